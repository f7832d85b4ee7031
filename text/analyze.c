/* placeholder: being written */ typedef int ghs_placeholder_analyze_c;
