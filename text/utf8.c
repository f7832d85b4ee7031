/* placeholder: being written */ typedef int ghs_placeholder_utf8_c;
