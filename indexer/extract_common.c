/* placeholder: being written */ typedef int ghs_placeholder_extract_common_c;
