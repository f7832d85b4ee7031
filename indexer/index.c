/* placeholder: being written */ typedef int ghs_placeholder_index_c;
