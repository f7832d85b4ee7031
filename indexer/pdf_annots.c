/*
 * pdf_annots.c: the words of a PDF page's annotations and form fields
 * (pdf_annots.h).
 *
 * Owns which annotations and fields count as text a reader sees. It does
 * not clean that text nor place it on the page (extract_pdf.c appends it
 * after the page's own text, so a passage never runs from the page's
 * words into a note's).
 */
#include "pdf_annots.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "extract_internal.h"

/* Fields drawn where a hidden widget annotation stands are hidden. */
typedef struct hidden_areas {
    PopplerRectangle *v;
    size_t n;
} hidden_areas;

static bool is_hidden(PopplerAnnot *annot)
{
    PopplerAnnotFlag f = poppler_annot_get_flags(annot);
    return (f & (POPPLER_ANNOT_FLAG_HIDDEN | POPPLER_ANNOT_FLAG_NO_VIEW)) != 0;
}

static bool same_area(const PopplerRectangle *a, const PopplerRectangle *b)
{
    return fabs(a->x1 - b->x1) < 0.01 && fabs(a->y1 - b->y1) < 0.01 &&
           fabs(a->x2 - b->x2) < 0.01 && fabs(a->y2 - b->y2) < 0.01;
}

/* Does hay hold needle as whole words (no letter or digit right before
 * or after it)? A one-letter field value is not "in" every page. */
static bool holds_words(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
        const char *before = g_utf8_find_prev_char(hay, p);
        gunichar b = before != NULL ? g_utf8_get_char(before) : ' ';
        gunichar a = g_utf8_get_char(p + n);
        if (!g_unichar_isalnum(b) && !g_unichar_isalnum(a))
            return true;
    }
    return false;
}

/* Appends item to out (a blank line before it) unless it is empty or its
 * words are in seen (the page's text and the items so far, white space
 * collapsed). Takes ownership of item (NULL allowed). */
static void add_item(GString *out, GString *seen, char *item)
{
    if (item == NULL)
        return;
    char *valid = g_utf8_make_valid(item, -1);
    g_free(item);
    char *flat = ghs_x_collapse_ws(valid, strlen(valid));
    if (*flat != '\0' && !holds_words(seen->str, flat)) {
        if (out->len > 0)
            g_string_append(out, "\n\n");
        g_string_append(out, valid);
        g_string_append_c(seen, '\n');
        g_string_append(seen, flat);
    }
    g_free(flat);
    g_free(valid);
}

static void add_annotations(GList *annots, GString *out, GString *seen,
                            hidden_areas *hidden)
{
    for (GList *l = annots; l != NULL; l = l->next) {
        const PopplerAnnotMapping *m = l->data;
        PopplerAnnotType type = poppler_annot_get_annot_type(m->annot);
        if (is_hidden(m->annot)) {
            if (type == POPPLER_ANNOT_WIDGET) {
                hidden->v = g_renew(PopplerRectangle, hidden->v, hidden->n + 1);
                hidden->v[hidden->n++] = m->area;
            }
            continue;
        }
        if (type == POPPLER_ANNOT_FREE_TEXT || type == POPPLER_ANNOT_TEXT)
            add_item(out, seen, poppler_annot_get_contents(m->annot));
    }
}

/* The chosen items of a list or combo box, one a line, and the text typed
 * into an editable combo box when it is not one of them. */
static char *choice_text(PopplerFormField *f)
{
    GString *s = g_string_new(NULL);
    int n = poppler_form_field_choice_get_n_items(f);
    for (int i = 0; i < n; i++) {
        if (!poppler_form_field_choice_is_item_selected(f, i))
            continue;
        char *item = poppler_form_field_choice_get_item(f, i);
        if (item != NULL && *item != '\0') {
            if (s->len > 0)
                g_string_append_c(s, '\n');
            g_string_append(s, item);
        }
        g_free(item);
    }
    char *typed = poppler_form_field_choice_get_text(f);
    if (typed != NULL && *typed != '\0' && strstr(s->str, typed) == NULL) {
        if (s->len > 0)
            g_string_append_c(s, '\n');
        g_string_append(s, typed);
    }
    g_free(typed);
    return g_string_free(s, FALSE);
}

static void add_fields(GList *fields, GString *out, GString *seen,
                       const hidden_areas *hidden)
{
    for (GList *l = fields; l != NULL; l = l->next) {
        const PopplerFormFieldMapping *m = l->data;
        bool hide = false;
        for (size_t i = 0; i < hidden->n && !hide; i++)
            hide = same_area(&m->area, &hidden->v[i]);
        if (hide)
            continue;
        switch (poppler_form_field_get_field_type(m->field)) {
        case POPPLER_FORM_FIELD_TEXT:
            if (!poppler_form_field_text_is_password(m->field))
                add_item(out, seen, poppler_form_field_text_get_text(m->field));
            break;
        case POPPLER_FORM_FIELD_CHOICE:
            add_item(out, seen, choice_text(m->field));
            break;
        default:
            break;
        }
    }
}

char *ghs_pdf_annotation_text(PopplerPage *page, const char *page_text)
{
    GString *out = g_string_new(NULL);
    GString *seen = g_string_new(NULL);
    if (page_text != NULL) {
        char *valid = g_utf8_make_valid(page_text, -1);
        char *flat = ghs_x_collapse_ws(valid, strlen(valid));
        g_string_assign(seen, flat);
        g_free(flat);
        g_free(valid);
    }
    hidden_areas hidden = { 0 };
    GList *annots = poppler_page_get_annot_mapping(page);
    add_annotations(annots, out, seen, &hidden);
    poppler_page_free_annot_mapping(annots);
    GList *fields = poppler_page_get_form_field_mapping(page);
    add_fields(fields, out, seen, &hidden);
    poppler_page_free_form_field_mapping(fields);
    g_free(hidden.v);
    g_string_free(seen, TRUE);
    if (out->len == 0) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}
