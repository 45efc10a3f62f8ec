package io.bpfring.bpf;

/** bpf(2) commands ({@code enum bpf_cmd}); their attributes are laid out in {@code BpfAttr}. */
final class Cmd {
    static final int MAP_CREATE = 0;
    static final int MAP_LOOKUP_ELEM = 1;
    static final int MAP_UPDATE_ELEM = 2;
    static final int MAP_DELETE_ELEM = 3;
    static final int MAP_GET_NEXT_KEY = 4;
    static final int PROG_LOAD = 5;
    static final int OBJ_PIN = 6;
    static final int OBJ_GET = 7;
    static final int PROG_TEST_RUN = 10;
    static final int OBJ_GET_INFO_BY_FD = 15;
    static final int BTF_LOAD = 18;
    static final int MAP_FREEZE = 22;
    static final int LINK_CREATE = 28;
    static final int PROG_BIND_MAP = 35;

    private Cmd() {
    }
}
