"""A faster `transform` for a fitted char_wb TfidfVectorizer, with identical output.

char_wb n-grams never cross a word boundary, so a document's counts are the sum of its words'
counts. Words repeat endlessly across reviews, so each word's vocabulary indices are computed
once and cached; a document then costs a few dictionary lookups instead of hundreds of slices.
Measured in bench/classifier.py (about 5-8x faster than sklearn's own transform).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

_EMPTY = np.zeros(0, dtype=np.int32)


class FastCharWB:
    """Transforms texts exactly like `vectorizer.transform` (char_wb analyzer, no lowercase)."""

    def __init__(self, vectorizer: TfidfVectorizer, cache_size: int = 200_000) -> None:
        if vectorizer.analyzer != "char_wb" or vectorizer.lowercase or vectorizer.preprocessor:
            raise ValueError("FastCharWB needs a char_wb vectorizer without preprocessing")
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = vectorizer.idf_.astype(np.float64) if vectorizer.use_idf else None
        self.min_n, self.max_n = vectorizer.ngram_range
        self.sublinear = vectorizer.sublinear_tf
        self.norm = vectorizer.norm
        self.dtype = vectorizer.dtype
        self.width = len(self.vocabulary)
        self.cache: dict[str, np.ndarray] = {}
        self.cache_size = cache_size

    def _word(self, word: str) -> np.ndarray:
        cached = self.cache.get(word)
        if cached is not None:
            return cached
        padded = " " + word + " "
        length = len(padded)
        vocab = self.vocabulary
        found = []
        for n in range(self.min_n, self.max_n + 1):
            offset = 0
            gram = padded[offset : offset + n]
            if gram in vocab:
                found.append(vocab[gram])
            while offset + n < length:
                offset += 1
                gram = padded[offset : offset + n]
                if gram in vocab:
                    found.append(vocab[gram])
            if offset == 0:  # the word is shorter than n: sklearn stops here too
                break
        result = np.asarray(found, dtype=np.int32) if found else _EMPTY
        if len(self.cache) < self.cache_size:
            self.cache[word] = result
        return result

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        cache, word = self.cache, self._word
        columns: list[np.ndarray] = []
        lengths: list[int] = []
        for text in texts:
            words = text.split()
            maybe = [cache.get(w) for w in words]
            if any(f is None for f in maybe):  # words not seen before: compute (and cache) them
                found = [f if f is not None else word(w) for f, w in zip(maybe, words, strict=True)]
            else:
                found = cast(list[np.ndarray], maybe)
            columns.extend(found)
            lengths.append(sum(f.size for f in found))
        cols = np.concatenate(columns) if columns else _EMPTY
        rows = np.repeat(np.arange(len(texts)), lengths)
        # COO → CSR sums repeated (row, column) pairs: the n-gram counts, in C.
        matrix = sp.csr_matrix(
            (np.ones(cols.size, dtype=np.float64), (rows, cols)), shape=(len(texts), self.width)
        )
        matrix.sum_duplicates()
        data = matrix.data
        if self.sublinear:
            np.log(data, out=data)
            data += 1
        if self.idf is not None:
            data *= self.idf[matrix.indices]
        if self.norm == "l2":
            lengths_l2 = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
            lengths_l2[lengths_l2 == 0] = 1.0
            data /= np.repeat(lengths_l2, np.diff(matrix.indptr))
        elif self.norm is not None:
            raise ValueError(f"norm {self.norm!r} is not supported")
        return matrix.astype(self.dtype)
