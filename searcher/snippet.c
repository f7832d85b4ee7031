/* placeholder: being written */ typedef int ghs_placeholder_snippet_c;
