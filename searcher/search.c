/* placeholder: being written */ typedef int ghs_placeholder_search_c;
