"""`inbox classifier evaluate --heldout` with every random choice fixed, so that two checkouts
can be compared figure for figure: `PYTHONHASHSEED=0 PYTHONPATH=CHECKOUT python
scripts/evaluate_heldout_fixed.py` in each, then diff the outputs.

Plain `evaluate --heldout` moves by a few thousandths from run to run: liblinear draws from
numpy's global random state (no random_state is given) while labels are fitted on threads.
Here that state is seeded and the labels are fitted on one thread.
"""

from __future__ import annotations

import numpy as np

import classifier.model
from inbox.cli import main

if __name__ == "__main__":
    classifier.model._JOBS = 1  # one thread: draws in a fixed order
    np.random.seed(0)  # the state liblinear draws from
    main(["classifier", "evaluate", "--heldout"])
