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
 * A query of one word (いつか, 何年, はるか) is keywords. Otherwise a
 * question when, outside quoted phrases and 『』《》【】〈〉 names:
 *  - it ends in ? or ？ (before any 。 . ! ！);
 *  - it ends in か (かな, かしら) after a predicate (…ですか, …したのか,
 *    か否か), after a question word that follows a particle (…はいつか,
 *    …は何か: not 何か alone, not ここではないどこか), after 何 and a
 *    counter (…は何年か), or in a sentence with a topic, subject or object
 *    (ウィキデータは無料か有料か); not after a name (芝山みよか);
 *  - it ends in a question word right after a particle (…のはだれ, …と何),
 *    or in an instruction (…を答えよ);
 *  - it ends in the topic particle (南スーダンの首都は, 災害とは);
 *  - it holds a question word (何 and 何年-like words, なに, いつ, どこ, 誰,
 *    なぜ, どの, どう, どれ, どちら, どんな, いくつ, いくら, ...) as a whole
 *    word (ICU's segmentation, as the index's: いつも, 幾何, どこか hold
 *    none) that asks (not 誰も, 何か, 何でも, いつまでも) and is used in a
 *    sentence: last, next to a particle (首都はどこ, どこの国, 何という),
 *    after the sentence's topic or subject (…場合どう呼ばれる), or one that
 *    asks whatever follows it (いつ, なぜ, 誰, どこ, いくつ, 何年) in three
 *    words or more; 何と / なんと before a verb of naming (何と呼ぶ);
 *  - in English, it starts with who, what, when, where, why, how, which,
 *    whom or whose (after at most one preposition: "In what year ...") and
 *    has three words or more; WHO in capitals is the organization.
 * Anything else, a NULL root included, is keywords: a title that merely
 * holds a question word (どうする家康: どう before a verb; いくら丼) stays a
 * title. Some titles still read as questions (誰がために鐘は鳴る, 君の名は)
 * and some questions as keywords (noun phrases: ラオスの国内電力自給の
 * 問題点). an segments the words (ICU, as the index does); NULL an or an
 * analysis error gives GHS_INTENT_KEYWORDS. */
ghs_intent ghs_query_intent(ghs_analyzer *an, const ghs_qnode *root);

/* ghs_query_intent for a search: the intent in *out, and 0, or the
 * negative code of an analysis that failed (GHS_ENOMEM) with err filled,
 * which a search reports rather than rank a question as keywords. */
int ghs_query_intent_of(ghs_analyzer *an, const ghs_qnode *root, ghs_intent *out,
                        ghs_error *err);

#endif /* GHS_SEARCHER_INTENT_H */
