/* placeholder: being written */ typedef int ghs_placeholder_stopwords_c;
