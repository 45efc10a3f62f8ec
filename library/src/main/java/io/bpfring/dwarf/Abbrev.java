package io.bpfring.dwarf;

import java.util.HashMap;
import java.util.Map;

/**
 * One entry of an abbreviation table ({@code .debug_abbrev}): the tag of the DIEs that use it,
 * whether they have children, and their attributes' names and forms.
 *
 * @param implicit the values of {@code DW_FORM_implicit_const} attributes, by position
 */
record Abbrev(int tag, boolean children, int[] attributes, int[] forms, long[] implicit) {
    static final int DW_FORM_IMPLICIT_CONST = 0x21;

    /** The table at {@code offset}: abbreviations by code. */
    static Map<Long, Abbrev> table(Input in, long offset) {
        in.seek(offset);
        Map<Long, Abbrev> table = new HashMap<>();
        while (true) {
            long at = in.position();
            long code = in.uleb();
            if (code == 0) {
                return table;
            }
            long tag = in.uleb();
            boolean children = in.u8() != 0;
            int[] attributes = new int[8];
            int[] forms = new int[8];
            long[] implicit = new long[8];
            int n = 0;
            while (true) {
                long attribute = in.uleb();
                long form = in.uleb();
                if (attribute == 0 && form == 0) {
                    break;
                }
                if (n == attributes.length) {
                    attributes = java.util.Arrays.copyOf(attributes, n * 2);
                    forms = java.util.Arrays.copyOf(forms, n * 2);
                    implicit = java.util.Arrays.copyOf(implicit, n * 2);
                }
                if (attribute > 0xffff || form > 0xffff) {
                    throw in.error(at, "abbreviation " + code + ": attribute 0x" + Long.toHexString(attribute)
                            + " or form 0x" + Long.toHexString(form) + " out of range");
                }
                attributes[n] = (int) attribute;
                forms[n] = (int) form;
                implicit[n] = form == DW_FORM_IMPLICIT_CONST ? in.sleb() : 0;
                n++;
            }
            if (tag > 0xffff) {
                throw in.error(at, "abbreviation " + code + ": tag 0x" + Long.toHexString(tag) + " out of range");
            }
            if (table.putIfAbsent(code, new Abbrev((int) tag, children, java.util.Arrays.copyOf(attributes, n),
                    java.util.Arrays.copyOf(forms, n), java.util.Arrays.copyOf(implicit, n))) != null) {
                throw in.error(at, "abbreviation code " + code + " defined twice");
            }
        }
    }
}
