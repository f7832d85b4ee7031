/* placeholder: being written */ typedef int ghs_placeholder_cite_c;
