/* placeholder until the reader lands */
#include "lattice_internal.h"

rlm_status lattice_parse_slf(const char *data, size_t size, const char *name,
                          const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                          rlm_error *err) {
    (void)data, (void)size, (void)opt, (void)out;
    return rlm_fail(err, RLM_E_UNSUPPORTED, "%s: slf lattices: not implemented yet", name);
}

rlm_status lattice_write_slf(const rlm_lattice_list *l, const char *path,
                          const rlm_lattice_write_opts *opt, rlm_error *err) {
    (void)l, (void)opt;
    return rlm_fail(err, RLM_E_UNSUPPORTED, "%s: slf lattices: not implemented yet", path);
}
