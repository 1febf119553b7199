"""evals/calibrate.py's grid: settings of the offline section only, each with its values."""

from __future__ import annotations

import pytest

from evals.calibrate import parse_grid
from tutor.config import OfflineSettings


def test_the_grid_names_offline_settings_and_their_values():
    fields = OfflineSettings.model_fields
    grid = parse_grid(["KEEP_RATIO=0.3,0.4", "mcq_margin=0.1"], fields)
    assert grid == {"keep_ratio": [0.3, 0.4], "mcq_margin": [0.1]}
    with pytest.raises(SystemExit, match="llm_timeout_s"):
        parse_grid(["llm_timeout_s=1,2"], fields)
    with pytest.raises(SystemExit):
        parse_grid(["keep_ratio="], fields)
