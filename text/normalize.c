/* placeholder: being written */ typedef int ghs_placeholder_normalize_c;
