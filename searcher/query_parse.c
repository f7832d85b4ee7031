/* placeholder: being written */ typedef int ghs_placeholder_query_parse_c;
