package io.bpfring.btf;

/**
 * Names as CO-RE compares them: a {@code ___flavour} suffix is ignored, so
 * {@code task_struct___old} stands for {@code task_struct} (libbpf's
 * {@code bpf_core_essential_name_len}).
 */
final class CoreNames {
    private CoreNames() {
    }

    /**
     * The name up to its last flavour separator: {@code X___Y} where X and Y are not
     * underscores, so {@code ____fput} or {@code a____b} have no flavour.
     */
    static String essential(String name) {
        int at = separator(name);
        return at < 0 ? name : name.substring(0, at);
    }

    /** Whether the name has a flavour suffix. */
    static boolean flavoured(String name) {
        return separator(name) >= 0;
    }

    /** Whether two names are equal once their flavours are dropped. */
    static boolean sameEssential(String a, String b) {
        int la = essentialLength(a);
        return la == essentialLength(b) && a.regionMatches(0, b, 0, la);
    }

    static int essentialLength(String name) {
        int at = separator(name);
        return at < 0 ? name.length() : at;
    }

    /** Index of the first underscore of the last separator, or -1. */
    private static int separator(String s) {
        for (int i = s.length() - 5; i >= 0; i--) {
            if (s.charAt(i) != '_' && s.charAt(i + 1) == '_' && s.charAt(i + 2) == '_' && s.charAt(i + 3) == '_'
                    && s.charAt(i + 4) != '_') {
                return i + 1;
            }
        }
        return -1;
    }
}
