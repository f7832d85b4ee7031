/* placeholder: being written */ typedef int ghs_placeholder_query_build_c;
