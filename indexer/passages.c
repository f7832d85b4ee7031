/* placeholder: being written */ typedef int ghs_placeholder_passages_c;
