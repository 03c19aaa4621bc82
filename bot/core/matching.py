"""The FAQ matcher: a question -> Match(id, score, suggestions, decision).

Every question variant (lo, en, th, rom) and each entry's titles are indexed
once per content load. A question is scored against every variant with an
IDF-weighted cosine over tokens (Lao syllables, Latin words) and character
n-grams (typos, missing letters), through an inverted index, then the best
candidates are re-scored with rapidfuzz's token ratios in one batch call.
An entry's score is its best variant's.

Decisions use two numbers, not one (../shared/LAO_TEXT.md): answer only when the
best entry is high AND clearly ahead of the runner-up; suggest when plausible;
otherwise say so. Thresholds below were chosen from measurements on the dev
questions (docs/MATCHING.md).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.content import Content, stage_order
from bot.core.text import (
    countries_in,
    fold,
    fold_content,
    is_romanised,
    names_laos,
    phonetic,
    places_in,
    tokens,
    without_cities,
    without_countries,
)

# --- decision thresholds (scores are 0-100) ----------------------------------------
ANSWER_MIN = 38.0  # best entry at least this ...
ANSWER_GAP = 4.0  # ... and this far ahead of the runner-up entry -> answer
COVER_MIN = 0.45  # ... and covering at least this share of the question's information
SUGGEST_MIN = 30.0  # plausible: offer the top entries as choices
COVER_SUGGEST = 0.3  # below ANSWER_MIN, an entry covering less than this is not offered
SUGGEST_WITHIN = 18.0  # a suggestion must be within this many points of the best
MAX_SUGGESTIONS = 3

# --- scoring -------------------------------------------------------------------
RERANK = 60  # variants re-scored with rapidfuzz
W_COSINE = 0.7  # blend: cosine (0-1, x100) and rapidfuzz token_sort_ratio
W_FUZZ = 0.3
NGRAM = 3
GRAM_WEIGHT = 0.5  # character n-grams count less than whole tokens
PHONETIC_WEIGHT = 0.7  # romanised Lao spelt another way ("viak"/"wiak") still meets
W_VARIANT = 0.6  # entry score: best variant, blended with ...
W_ENTRY = 0.4  # ... the entry's whole vocabulary (all its variants together)
OTHER_COUNTRY = 0.6  # the question names a country and the entry is about another one
GENERAL_NAMED = 0.8  # the question names a country and the entry is about no country
UNKNOWN_WEIGHT = 2.0  # weight of question features the index has never seen
NORM_CAP_PCT = 0.9  # question length counts up to this percentile of variant lengths
MIN_IDF = 0.4  # features in most entries carry little information: not looked up (speed)
COVER_GRAMS = 0.6  # a typo'd token is covered when this share of its 3-grams is in the entry
ANSWER_TEXT_CREDIT = 1.0  # a question word found only in the entry's answer text
INFORMATIVE_IDF = 1.0  # a word in fewer than about a third of the entries says something
MAX_QUERY_CHARS = 400  # a question longer than this is cut (a pasted message, not a question)
TYPO_MIN_LEN = 5  # a Latin word the index does not know, this long or longer, ...
TYPO_MAX_EDITS = 1  # ... is read as the one known word this many edits away ("documnets")
# second opinion: a naive Bayes model of each entry's words (all its variants), asked
# about the best few entries only; it knows which words one entry uses and its
# neighbours do not (cost vs scheme, change job vs SSW), which similarity blurs
NB_TOP = 5  # entries re-scored
NB_WEIGHT = 8.0  # points added: NB_WEIGHT x the entry's share (softmax) among them
NB_TEMPERATURE = 8.0  # softmax temperature over log-likelihoods (higher: softer)
NB_ALPHA = 0.2  # additive smoothing of word counts


@dataclass(frozen=True)
class Match:
    id: str | None  # the entry to answer with directly, None unless decision == "answer"
    score: float
    decision: str  # "answer" | "suggest" | "none"
    suggestions: tuple[str, ...]  # entries to offer as choices, best first (<= 3)
    best: str | None = None  # the best-scoring entry whatever the decision
    ranked: tuple[tuple[str, float], ...] = ()  # top entries with scores, for admins and tests


def _match_tokens(key: str) -> list[str]:
    """Distinct matching tokens of a folded text (a token counts once however often it
    is repeated: "hello " * 40); country names out (the country is its own signal)
    unless nothing else is left."""
    toks = list(dict.fromkeys(tokens(key, folded=True)))
    return without_countries(toks) or toks


def _destinations(named: frozenset[str], country: str | None) -> frozenset[str]:
    """The countries a question is about: those it names, else the conversation's."""
    return named or frozenset([country] if country else [])


@lru_cache(maxsize=1 << 16)
def _content_features(key: str) -> tuple[str, dict[str, float]]:
    """A content text's (fold()ed) token string and features, cached like fold_content:
    the index reads them and never changes them."""
    toks = _match_tokens(key)
    return " ".join(toks), _features(toks)


def _features(toks: list[str]) -> dict[str, float]:
    """Token features plus character n-grams inside each token (typo tolerance)."""
    feats: dict[str, float] = defaultdict(float)
    for t in toks:
        feats[t] += 1.0
        if "a" <= t[0] <= "z":
            feats["~" + phonetic(t)] += PHONETIC_WEIGHT
        padded = f"<{t}>"
        if len(padded) > NGRAM:
            for i in range(len(padded) - NGRAM + 1):
                feats["#" + padded[i : i + NGRAM]] += GRAM_WEIGHT
    return feats


def _postings(
    docs: list[dict[str, float]], idf: dict[str, float]
) -> tuple[dict[str, list[tuple[int, float]]], list[float]]:
    """Inverted index of L2-normalised TF-IDF vectors, and the norms."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    norms = []
    for di, feats in enumerate(docs):
        weighted = {f: tf * idf[f] for f, tf in feats.items()}
        norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
        norms.append(norm)
        for f, w in weighted.items():
            if w > 0:
                postings[f].append((di, w / norm))
    return dict(postings), norms


class Index:
    """Built once per content load; immutable afterwards (safe to swap atomically)."""

    def __init__(self, content: Content):
        self.entry_ids: list[str] = []
        self.entry_country: list[str | None] = []
        self.variant_entry: list[int] = []
        self.variant_text: list[str] = []  # token strings, for rapidfuzz
        self.entry_vocab: list[frozenset[str]] = []  # every feature of the entry's variants
        self._entries = content.entries
        self._said: dict[int, frozenset[str]] = {}  # features of answer texts, on first use
        self.entry_places: list[frozenset[str]] = []  # other places the entry names
        variant_feats: list[dict[str, float]] = []
        entry_feats: list[dict[str, float]] = []
        self._nb_counts: list[dict[str, float]] = []  # word features per entry, once per variant
        for ei, e in enumerate(content.entries):
            self.entry_ids.append(e.id)
            self.entry_country.append(e.country)
            seen: set[str] = set()
            merged: dict[str, float] = defaultdict(float)
            words: dict[str, float] = defaultdict(float)
            folded = [fold_content(text) for _lang, text in e.variants()]
            for key in folded:
                joined, feats = _content_features(key)
                if not joined or joined in seen:
                    continue
                seen.add(joined)
                self.variant_entry.append(ei)
                self.variant_text.append(joined)
                variant_feats.append(feats)
                for f, w in feats.items():
                    merged[f] += 1.0
                    if f[0] != "#":  # whole tokens and phonetic keys, not n-grams
                        words[f] += w
            self._nb_counts.append(dict(words))
            entry_feats.append({f: 1.0 + math.log(n) for f, n in merged.items()})
            self.entry_vocab.append(frozenset(merged))
            self.entry_places.append(places_in(" ".join(folded), folded=True))
        # IDF by entry: a token in every entry's variants carries no information.
        n_entries = max(len(self.entry_ids), 1)
        df: dict[str, int] = {f: 0 for feats in entry_feats for f in feats}
        for feats in entry_feats:
            for f in feats:
                df[f] += 1
        self.idf = {f: math.log((n_entries + 1) / (n + 0.5)) for f, n in df.items()}
        self.idf_unknown = math.log((n_entries + 1) / 0.5)  # a word no entry uses
        # the Latin words of the variants, for reading a typo'd word as the word meant
        self._latin = [f for f in self.idf if "a" <= f[0] <= "z" and len(f) >= TYPO_MIN_LEN - 1]
        self.postings, norms = _postings(variant_feats, self.idf)
        self.entry_postings, _ = _postings(entry_feats, self.idf)
        self._entry_pos = {eid: i for i, eid in enumerate(self.entry_ids)}
        nb_vocab = {f for counts in self._nb_counts for f in counts}
        self._nb_vocab = frozenset(nb_vocab)
        self._nb_denom = [
            math.log(sum(c.values()) + NB_ALPHA * len(nb_vocab)) for c in self._nb_counts
        ]
        norms.sort()
        self.norm_cap = norms[int(len(norms) * NORM_CAP_PCT)] if norms else 1.0

    def __len__(self) -> int:
        return len(self.variant_text)

    def entry_scores(self, question: str, country: str | None = None) -> list[tuple[str, float]]:
        """Entries with their score, best first. `country`: the destination to assume
        when the question names none (a follow-up in a conversation about it)."""
        key = fold(question[:MAX_QUERY_CHARS])
        return self._scores(key, _destinations(countries_in(key, folded=True), country))

    def _question_tokens(self, key: str) -> list[str]:
        """The matching tokens of a fold()ed question, a Latin word the index does not
        know replaced by the one known word a typo away: "documnets" -> "document",
        "emploer" -> "employer". Two candidates as close: left as typed (no guess)."""
        toks = _match_tokens(key)
        out = []
        for t in toks:
            if len(t) >= TYPO_MIN_LEN and t not in self.idf and "a" <= t[0] <= "z":
                near = process.extract(
                    t, self._latin, scorer=OSA.distance, score_cutoff=TYPO_MAX_EDITS, limit=5
                )
                closest = [w for w, d, _ in near if d == near[0][1]] if near else []
                # one word, or spellings of one word ("passport", "pasport"): the commonest
                if closest and len({phonetic(w) for w in closest}) == 1:
                    t = min(closest, key=lambda w: (self.idf[w], w))
            out.append(t)
        return list(dict.fromkeys(out))

    def _scores(self, key: str, named: frozenset[str]) -> list[tuple[str, float]]:
        """entry_scores() of a fold()ed question about the countries `named`."""
        toks = self._question_tokens(key)
        if not toks:
            return []
        all_feats = _features(toks)
        qfeats = {f: tf * self.idf[f] for f, tf in all_feats.items() if f in self.idf}
        # features unknown to the index still count in the question's length: a
        # question about something else entirely scores low
        unknown = sum(tf for f, tf in all_feats.items() if f not in self.idf)
        qnorm = (
            math.sqrt(sum(w * w for w in qfeats.values()) + (unknown * UNKNOWN_WEIGHT) ** 2) or 1.0
        )
        # a question longer than a typical variant is not penalised for its extra words
        qnorm = min(qnorm, self.norm_cap)
        informative = {f: w for f, w in qfeats.items() if self.idf[f] >= MIN_IDF}
        acc = _dot(informative, qnorm, self.postings)
        if not acc:
            return []
        entry_cos = _dot(qfeats, qnorm, self.entry_postings)
        top = heapq.nlargest(RERANK, acc.items(), key=lambda kv: kv[1])
        ratios = process.extract(
            " ".join(toks),
            {vi: self.variant_text[vi] for vi, _ in top},
            scorer=fuzz.token_sort_ratio,
            processor=None,
            limit=None,
        )
        ratio_of = {k: score for _, score, k in ratios}
        best: dict[int, float] = {}
        for vi, cos in top:
            s = W_COSINE * 100.0 * min(cos, 1.0) + W_FUZZ * ratio_of.get(vi, 0.0)
            ei = self.variant_entry[vi]
            if s > best.get(ei, -1.0):
                best[ei] = s
        scored = {}
        for ei, s in best.items():
            s = W_VARIANT * s + W_ENTRY * 100.0 * min(entry_cos.get(ei, 0.0), 1.0)
            if named and self.entry_country[ei] and self.entry_country[ei] not in named:
                s *= OTHER_COUNTRY
            elif named and not self.entry_country[ei]:
                s *= GENERAL_NAMED
            scored[ei] = s
        ranked = sorted(scored.items(), key=lambda kv: kv[1], reverse=True)
        ranked = self._second_opinion(all_feats, ranked)
        return [(self.entry_ids[ei], round(s, 1)) for ei, s in ranked]

    def _second_opinion(
        self, qfeats: dict[str, float], ranked: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """Add up to NB_WEIGHT points to the best NB_TOP entries, shared by how likely
        each entry's words (naive Bayes over all its variants) make the question."""
        head = ranked[:NB_TOP]
        if len(head) < 2:
            return ranked
        words = [(f, w) for f, w in qfeats.items() if f[0] != "#" and f in self._nb_vocab]
        if not words:
            return ranked
        loglik = []
        for ei, _ in head:
            counts, denom = self._nb_counts[ei], self._nb_denom[ei]
            loglik.append(
                sum(w * (math.log(counts.get(f, 0.0) + NB_ALPHA) - denom) for f, w in words)
            )
        top = max(loglik)
        shares = [math.exp((x - top) / NB_TEMPERATURE) for x in loglik]
        total = sum(shares)
        head = [(ei, s + NB_WEIGHT * sh / total) for (ei, s), sh in zip(head, shares, strict=True)]
        return sorted(head, key=lambda kv: kv[1], reverse=True) + ranked[NB_TOP:]

    def says_more_than_a_country(self, key: str) -> bool:
        """Does the (folded) question have a word with information besides a country
        name? "work korea" has not ("work" is in most entries); "korea visa" has."""
        rest = without_countries(tokens(key, folded=True))
        return any(self.idf.get(t, self.idf_unknown) >= INFORMATIVE_IDF for t in rest)

    def coverage(self, question: str, entry_id: str, country: str | None = None) -> float:
        """How much of the question's information the entry's variants cover (0-1).

        Each distinct token of the question weighs its IDF (a word no entry uses
        weighs most: "Malaysia", "pension"); it is covered by the entry when one of
        the entry's variants has it, its phonetic key (romanised spellings), or most
        of its character 3-grams (typos). A question about something the entry does
        not talk about leaves heavy tokens uncovered, however similar the rest is.
        """
        key = fold(question[:MAX_QUERY_CHARS])
        return self._coverage(key, entry_id, _destinations(countries_in(key, folded=True), country))

    def _coverage(self, key: str, entry_id: str, named: frozenset[str]) -> float:
        """coverage() of a fold()ed question about the countries `named`."""
        ei = self._entry_pos.get(entry_id)
        # a city the question names says where (the country), not what it asks
        toks = self._question_tokens(without_cities(key)) or self._question_tokens(key)
        if ei is None or not toks:
            return 0.0
        # a place the entry never names (Malaysia, Taiwan) or another destination
        # country: the entry is about somewhere else, whatever the words share
        if self.entry_country[ei] and (
            (named and self.entry_country[ei] not in named)
            or (not named and names_laos(key, folded=True))
        ):
            return 0.0
        if places_in(key, folded=True) - self.entry_places[ei]:
            return 0.0
        vocab, said = self.entry_vocab[ei], self._answer_vocab(ei)

        n = 3 if is_romanised(key) else 4
        total = got = 0.0
        for t in toks:
            w = self.idf.get(t, self.idf_unknown)
            total += w
            got += w * max(_covers(t, vocab, n), ANSWER_TEXT_CREDIT * _covers(t, said, n))
        return got / total if total else 0.0

    def _answer_vocab(self, ei: int) -> frozenset[str]:
        """Features of an entry's answer text, built on first use (keeps loading fast)."""
        vocab = self._said.get(ei)
        if vocab is None:
            e = self._entries[ei]
            said = fold(" ".join([*e.answer.values(), *e.summary.values()]))
            vocab = self._said[ei] = frozenset(_features(tokens(said, folded=True)))
        return vocab


def _covers(tok: str, vocab: frozenset[str], min_grams: int = 4) -> float:
    """1 when the vocabulary has the token or its phonetic key, else the share of its
    character 3-grams it has (a typo) when that share is high, else 0. A token with
    fewer than `min_grams` 3-grams is too short to tell a typo from another word
    ("won" is not "own"), except in romanised Lao, spelt a new way every time."""
    if tok in vocab or ("a" <= tok[0] <= "z" and "~" + phonetic(tok) in vocab):
        return 1.0
    padded = f"<{tok}>"
    grams = [padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1)]
    if len(grams) < min_grams:
        return 0.0
    share = sum("#" + g in vocab for g in grams) / len(grams)
    return share if share >= COVER_GRAMS else 0.0


def _dot(
    qfeats: dict[str, float], qnorm: float, postings: dict[str, list[tuple[int, float]]]
) -> dict[int, float]:
    acc: dict[int, float] = {}
    get = acc.get
    for f, wq in qfeats.items():
        wq /= qnorm
        for di, wd in postings.get(f, ()):
            acc[di] = get(di, 0.0) + wq * wd
    return acc


def decide(ranked: list[tuple[str, float]], coverage: float = 1.0) -> Match:
    """Turn ranked entry scores into the bot's decision.

    `coverage` is how much of the question the best entry covers (Index.coverage):
    a similar entry that leaves the question's heavy words uncovered is offered as
    a suggestion, never given as the answer."""
    if not ranked:
        return Match(None, 0.0, "none", ())
    best_id, best = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    top = tuple(ranked[:5])
    if best >= ANSWER_MIN and best - runner >= ANSWER_GAP and coverage >= COVER_MIN:
        sugg = tuple(i for i, s in ranked[1 : 1 + MAX_SUGGESTIONS] if s >= best - SUGGEST_WITHIN)
        return Match(best_id, best, "answer", sugg, best_id, top)
    if best >= SUGGEST_MIN and (coverage >= COVER_SUGGEST or best >= ANSWER_MIN):
        sugg = tuple(
            i for i, s in ranked[:MAX_SUGGESTIONS] if s >= max(SUGGEST_MIN, best - SUGGEST_WITHIN)
        )
        return Match(None, best, "suggest", sugg, best_id, top)
    return Match(None, best, "none", (), best_id, top)


class Matcher:
    def __init__(self, content: Content):
        self.content = content
        self.index = Index(content)
        # per country, its first entries in the journey's order (before going first)
        self._overview: dict[str, tuple[str, ...]] = defaultdict(tuple)
        for country in {e.country for e in content.entries if e.country}:
            entries = [e for e in content.entries if e.country == country]
            entries.sort(key=stage_order)
            self._overview[country] = tuple(e.id for e in entries[:MAX_SUGGESTIONS])

    def match(self, question: str, country: str | None = None) -> Match:
        """`country`: the destination to assume when the question names none."""
        key = fold(question[:MAX_QUERY_CHARS])  # once: every step below reads this key
        named = countries_in(key, folded=True)
        if len(named) == 1 and not self.index.says_more_than_a_country(key):
            # "Korea", "work japan": no question yet; offer the country's first topics
            ids = self._overview[next(iter(named))]
            return Match(None, 0.0, "suggest" if ids else "none", ids, ids[0] if ids else None)
        where = _destinations(named, country)
        ranked = self.index._scores(key, where)
        if not ranked:
            return decide(ranked)
        m = decide(ranked, self.index._coverage(key, ranked[0][0], where))
        if m.decision == "answer" and repetitive(key, folded=True):
            # "MOU MOU MOU ...": a word typed over and over is not a question
            m = replace(m, id=None, decision="suggest", suggestions=(m.id, *m.suggestions))
        if m.decision == "answer" and not where and self._other_country_close(m):
            # "how do I change employer?" naming no country: Thailand, Korea and Japan
            # each have an entry; ask which one by offering them, never pick one
            m = replace(m, id=None, decision="suggest", suggestions=tuple(i for i, _s in m.ranked))
        if where:
            # never offer the Thailand entry for a question about Korea
            by_id = self.content.by_id
            keep = tuple(i for i in m.suggestions if by_id[i].country in (None, *where))
            decision = "none" if m.decision == "suggest" and not keep else m.decision
            m = replace(m, decision=decision, suggestions=keep)
        return replace(m, suggestions=m.suggestions[:MAX_SUGGESTIONS])

    def _other_country_close(self, m: Match) -> bool:
        """Is an entry about another destination within COUNTRY_TIE points of the
        answer, which is about one destination?"""
        by_id = self.content.by_id
        mine = by_id[m.id].country
        if not mine:
            return False
        return any(
            by_id[i].country not in (None, mine) and s >= m.score - COUNTRY_TIE
            for i, s in m.ranked[1:]
        )


COUNTRY_TIE = 13.0  # no country named: another country's entry this close means "which one?"
REPEAT_MIN_WORDS = 6  # a message this long ...
REPEAT_MAX_DISTINCT = 0.34  # ... whose distinct words are at most this share of its words


def repetitive(question: str, *, folded: bool = False) -> bool:
    """Is the message mostly one or two words repeated ("hello hello hello ...")?
    `folded=True` when the question is already fold()ed (and cut)."""
    toks = tokens(question if folded else fold(question[:MAX_QUERY_CHARS]), folded=True)
    return len(toks) >= REPEAT_MIN_WORDS and len(set(toks)) <= REPEAT_MAX_DISTINCT * len(toks)
