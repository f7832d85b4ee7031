/* placeholder: being written */ typedef int ghs_placeholder_segment_c;
