/* placeholder: being written */ typedef int ghs_placeholder_extract_release_c;
