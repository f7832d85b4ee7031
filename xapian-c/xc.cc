/* placeholder: being written */ typedef int ghs_placeholder_xc_cc;
