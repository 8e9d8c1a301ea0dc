"""A faster `transform` for the two fitted TF-IDF vectorizers (word 1-2-grams and char_wb
n-grams), with output identical to sklearn's.

Both analyzers work word by word, and words repeat endlessly across reviews. So each distinct
whitespace-separated token is looked at once: its character n-gram counts and its word-token
ids go into a table. A batch of documents then costs one dictionary lookup per token in
Python; everything else is array work over the whole batch:

- character n-grams: (documents × tokens) @ (tokens × n-grams) is one sparse product, because
  char_wb n-grams never cross a whitespace boundary;
- word bigrams: pairs of neighbouring word ids become integer keys found with one
  `searchsorted` in the sorted keys of the bigram vocabulary.

Measured in bench/bench_classifier.py.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

_I64 = np.int64


def _check(word: TfidfVectorizer, char: TfidfVectorizer) -> None:
    plain = all(not v.lowercase and not v.preprocessor and not v.tokenizer for v in (word, char))
    if (
        not plain
        or word.analyzer != "word"
        or tuple(word.ngram_range) != (1, 2)
        or word.stop_words
        or char.analyzer != "char_wb"
    ):
        raise ValueError("TextFeatures needs a plain word (1, 2)-gram and a char_wb vectorizer")


class _Tfidf:
    """Counts → (sublinear) tf × idf → l2-normalised rows, as TfidfVectorizer does."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.idf = vectorizer.idf_.astype(np.float64) if vectorizer.use_idf else None
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.norm = vectorizer.norm
        if self.norm not in ("l2", None):
            raise ValueError(f"norm {self.norm!r} is not supported")
        self.dtype = vectorizer.dtype
        self.width = len(vectorizer.vocabulary_)

    def _tf(self, counts: sp.csr_matrix) -> np.ndarray:
        """Term frequencies, in place of the counts."""
        data: np.ndarray = counts.data
        if self.sublinear:
            np.log(data, out=data)
            data += 1
        return data

    def apply(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        counts.sum_duplicates()  # also sorts each row's columns, as sklearn's output is
        data = self._tf(counts).astype(np.float64)
        if self.idf is not None:
            data *= self.idf[counts.indices]
        if self.norm == "l2":
            sizes = np.diff(counts.indptr)
            rows = np.repeat(np.arange(counts.shape[0]), sizes)
            lengths = np.sqrt(np.bincount(rows, weights=data * data, minlength=counts.shape[0]))
            lengths[lengths == 0] = 1.0
            data /= np.repeat(lengths, sizes)
        return sp.csr_matrix((data.astype(self.dtype), counts.indices, counts.indptr), counts.shape)

    def linear(self, counts: sp.csr_matrix, weights: np.ndarray) -> np.ndarray:
        """`apply(counts) @ weights` without building the tf-idf matrix: idf goes into the
        weights, and the l2 norm of each row is one sparse product, applied to the (few)
        scores instead of to every entry."""
        tf = sp.csr_matrix((self._tf(counts), counts.indices, counts.indptr), counts.shape)
        idf = self.idf if self.idf is not None else np.ones(self.width)
        z = np.asarray(tf @ (weights * idf[:, None]))
        if self.norm == "l2":
            squared = sp.csr_matrix((tf.data * tf.data, tf.indices, tf.indptr), tf.shape)
            lengths = np.sqrt(np.asarray(squared @ (idf * idf)))
            lengths[lengths == 0] = 1.0
            z /= lengths[:, None]
        return z


class TextFeatures:
    """Transforms normalised texts exactly like `word.transform` and `char.transform`."""

    def __init__(
        self, word: TfidfVectorizer, char: TfidfVectorizer, max_tokens: int = 200_000
    ) -> None:
        _check(word, char)
        self.word_tfidf, self.char_tfidf = _Tfidf(word), _Tfidf(char)
        self.pattern = re.compile(word.token_pattern)
        self.char_vocabulary: dict[str, int] = char.vocabulary_
        self.min_n, self.max_n = char.ngram_range
        self.max_tokens = max_tokens
        self._lock = threading.Lock()

        # Word ids: every unigram of the vocabulary, and every part of a vocabulary bigram.
        unigram_cols: dict[str, int] = {}
        bigrams: list[tuple[str, str, int]] = []
        for term, col in word.vocabulary_.items():
            parts = term.split(" ")
            if len(parts) == 1:
                unigram_cols[term] = col
            else:
                bigrams.append((parts[0], parts[1], col))
        self.word_ids: dict[str, int] = {term: i for i, term in enumerate(unigram_cols)}
        for a, b, _ in bigrams:
            self.word_ids.setdefault(a, len(self.word_ids))
            self.word_ids.setdefault(b, len(self.word_ids))
        self.n_words = max(1, len(self.word_ids))
        self.unigram_col = np.full(self.n_words, -1, dtype=_I64)
        for term, col in unigram_cols.items():
            self.unigram_col[self.word_ids[term]] = col
        keys = np.array(
            [self.word_ids[a] * self.n_words + self.word_ids[b] for a, b, _ in bigrams], dtype=_I64
        )
        order = np.argsort(keys)
        self.bigram_keys = keys[order]
        self.bigram_cols = np.array([c for _, _, c in bigrams], dtype=_I64)[order]
        self._reset()

    def _reset(self) -> None:
        self.tokens: dict[str, int] = {}
        self._pending: list[str] = []
        # (tokens × char n-grams) counts, and each token's word ids as a ragged array.
        self.char_rows = sp.csr_matrix((0, self.char_tfidf.width), dtype=np.float32)
        self.word_ptr = np.zeros(1, dtype=_I64)
        self.word_seq = np.zeros(0, dtype=_I64)

    def _add(self, token: str) -> int:
        """The id of a token not found at the start of its document (it may repeat in it)."""
        known = self.tokens.get(token)
        if known is not None:
            return known
        index = self.tokens[token] = len(self.tokens)
        self._pending.append(token)
        return index

    def _char_grams(self, token: str) -> list[int]:
        padded = " " + token + " "
        length, grams = len(padded), []
        if length > self.max_n:  # the usual case: every n-gram length fits, one pass
            grams = [
                padded[offset : offset + n]
                for n in range(self.min_n, self.max_n + 1)
                for offset in range(length - n + 1)
            ]
            return [column for column in map(self.char_vocabulary.get, grams) if column is not None]
        for n in range(self.min_n, self.max_n + 1):
            if length <= n:
                grams.append(padded)  # a word no longer than n is counted once, as sklearn does
                break
            grams += [padded[offset : offset + n] for offset in range(length - n + 1)]
        return [column for column in map(self.char_vocabulary.get, grams) if column is not None]

    def _materialise(self) -> None:
        """Add the rows of tokens first seen in this batch to the tables."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        grams = [self._char_grams(t) for t in pending]
        indptr = np.cumsum([0] + [len(g) for g in grams], dtype=_I64)
        indices = np.fromiter((c for g in grams for c in g), dtype=_I64, count=int(indptr[-1]))
        new_rows = sp.csr_matrix(
            (np.ones(indices.size, np.float32), indices, indptr),
            shape=(len(pending), self.char_tfidf.width),
        )
        new_rows.sum_duplicates()
        self.char_rows = sp.vstack([self.char_rows, new_rows], format="csr")
        get = self.word_ids.get
        words = [[get(w, -1) for w in self.pattern.findall(t)] for t in pending]
        sizes = np.cumsum([len(w) for w in words], dtype=_I64) + self.word_ptr[-1]
        self.word_ptr = np.concatenate([self.word_ptr, sizes])
        flat = np.fromiter((i for w in words for i in w), dtype=_I64, count=sum(map(len, words)))
        self.word_seq = np.concatenate([self.word_seq, flat])

    def transform(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(word block, char block) for normalised texts."""
        word, char = self._counts(texts)
        return self.word_tfidf.apply(word), self.char_tfidf.apply(char)

    def linear(
        self, texts: Sequence[str], word_weights: np.ndarray, char_weights: np.ndarray
    ) -> np.ndarray:
        """word block @ word_weights + char block @ char_weights, computed faster."""
        word, char = self._counts(texts)
        z: np.ndarray = self.word_tfidf.linear(word, word_weights)
        z += self.char_tfidf.linear(char, char_weights)
        return z

    def _counts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        # The token table grows as texts arrive; sources polled in threads share one model.
        with self._lock:
            return self._counts_locked(texts)

    def _counts_locked(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        if len(self.tokens) > self.max_tokens:  # memory stays bounded on endless streams
            self._reset()
        get, add = self.tokens.get, self._add
        flat: list[int] = []
        sizes = np.zeros(len(texts), dtype=_I64)
        for row, text in enumerate(texts):
            words = text.split()
            ids = list(map(get, words))
            if None in ids:
                ids = [add(w) if i is None else i for i, w in zip(ids, words, strict=True)]
            flat.extend(ids)  # type: ignore[arg-type]
            sizes[row] = len(ids)
        self._materialise()
        tokens = np.asarray(flat, dtype=_I64)
        doc_ptr = np.concatenate([[0], np.cumsum(sizes)])
        shape = (len(texts), len(self.tokens))
        docs = sp.csr_matrix((np.ones(tokens.size, np.float32), tokens, doc_ptr), shape=shape)
        # A product has no repeated entries: its counts are ready (if unsorted).
        return self._words(tokens, sizes), sp.csr_matrix(docs @ self.char_rows)

    def _words(self, tokens: np.ndarray, sizes: np.ndarray) -> sp.csr_matrix:
        n = sizes.size
        token_doc = np.repeat(np.arange(n, dtype=_I64), sizes)
        starts, ends = self.word_ptr[tokens], self.word_ptr[tokens + 1]
        counts = ends - starts
        total = int(counts.sum())
        offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        seq = self.word_seq[np.arange(total, dtype=_I64) + offsets]
        doc = np.repeat(token_doc, counts)
        known = seq >= 0
        uni_cols = self.unigram_col[seq[known]]
        uni_rows = doc[known]
        has_col = uni_cols >= 0
        a, b = seq[:-1], seq[1:]
        pair = (doc[:-1] == doc[1:]) & (a >= 0) & (b >= 0)
        keys = a[pair] * self.n_words + b[pair]
        pos = np.searchsorted(self.bigram_keys, keys)
        pos[pos >= self.bigram_keys.size] = 0
        hit = self.bigram_keys[pos] == keys if self.bigram_keys.size else np.zeros(0, bool)
        rows = np.concatenate([uni_rows[has_col], doc[:-1][pair][hit]])
        cols = np.concatenate([uni_cols[has_col], self.bigram_cols[pos[hit]]])
        return sp.coo_matrix(
            (np.ones(rows.size, np.float32), (rows, cols)), shape=(n, self.word_tfidf.width)
        ).tocsr()
