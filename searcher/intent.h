/*
 * intent.h: is a query a question or keywords (intent.c)?
 *
 * A question ("感染症の流行に備える資金は何か", "UHCはいつ採択された？",
 * "What is universal health coverage?") and a keyword query (a name, a
 * term, a title: "ユニバーサル・ヘルス・カバレッジ", "いつか",
 * "どうする家康") are different searches: a question is written from the
 * passage that answers it and repeats its wording; a keyword names a subject,
 * and the passage that introduces it is the answer. A ranking feature made
 * for questions (the wording re-ranking, overlap.c) runs on questions only.
 */
#ifndef GHS_SEARCHER_INTENT_H
#define GHS_SEARCHER_INTENT_H

#include "analyze.h"
#include "query_parse.h"

typedef enum ghs_intent {
    GHS_INTENT_KEYWORDS = 0,   /* names, terms, titles; also anything unsure */
    GHS_INTENT_QUESTION = 1    /* a question in Japanese or English */
} ghs_intent;

/* The intent of the parsed query root, from the text of its words and
 * phrases (not the words under NOT, not field filters), in query order.
 * A question when, outside quoted phrases and 『』《》【】〈〉 names:
 *  - it ends in ? or ？ (before any 。 . ! ！);
 *  - its last word is the particle か (かな, かしら), after more than an
 *    indefinite word alone (何か, 誰か, いつか are words, not questions);
 *  - it holds a question word (何, なに, 何年 and the like, いつ, どこ, 誰,
 *    なぜ, どの, どう, どれ, どちら, どんな, いくつ, いくら, ...) as a
 *    whole word (ICU's segmentation, so いつも, 幾何, どこか are not) used
 *    in a sentence: last, or next to a particle (首都はどこ, どこの国, 何と
 *    いう), not in 誰も, 何か, 何でも;
 *  - it ends in a particle after two or more words, a question left open
 *    (南スーダンの首都は, …作品を, 災害とは);
 *  - in English, it starts with who, what, when, where, why, how, which,
 *    whom or whose (after at most one preposition: "In what year ...") and
 *    has three words or more.
 * Anything else, a NULL root included, is keywords: a title that merely
 * holds a question word (どうする家康, いくら丼) stays a title. an segments
 * the words (ICU, as the index does); NULL an or an analysis error gives
 * GHS_INTENT_KEYWORDS. */
ghs_intent ghs_query_intent(ghs_analyzer *an, const ghs_qnode *root);

#endif /* GHS_SEARCHER_INTENT_H */
