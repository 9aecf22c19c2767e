"""exnet.figures: the corpus figures `exnet check` and the site's check page share (exact
values on small lists), the robust outlier rules, and one computation for the command's
JSON and the page."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exnet.cli import main
from exnet.figures import OUTLIER_RULES, Numeric, categorical, numeric, outlier
from exnet.publish import publish

SITE = Path(__file__).parent / "fixtures" / "site" / "corpus"
CHECK = Path(__file__).parent / "fixtures" / "check"
TASK = "text-classification"


def test_numeric_figures_are_exact() -> None:
    f = numeric([10, 5, 20, 3, 10, True, None, "x", 4000, 10.0])
    # numbers only (not True, None or text): 3 5 10 10 10 20 4000
    assert f == Numeric(n=7, low=3, q1=7.5, median=10, q3=15, high=4000, most_common=10,
                        most_common_count=3, log_mad=pytest.approx(0.30103, abs=1e-5))
    assert numeric([None, "x"]) is None
    c = categorical(["Adam", "adam", "sgd", None])
    assert c is not None and (c.n, c.top) == (3, (("adam", 2), ("sgd", 1)))


def test_outliers_are_judged_against_the_median_not_the_maximum() -> None:
    epochs = numeric([3, 5, 8, 10, 10, 10, 10, 10, 15, 20, 4000])
    found = outlier("epochs", 3000, epochs)
    assert found is not None and (found.side, found.ratio, found.severity) == (
        "above", 300.0, "error")
    assert outlier("epochs", 1, epochs) is None                   # few epochs: fine
    # 20 x the median: unusual where everyone trains 8 to 15 epochs (robust z-score
    # 9.1 > 3.5), usual where they train 1 to 100 (z 2.3, and under 50 x)
    assert outlier("epochs", 200, epochs).z == pytest.approx(9.055, abs=1e-3)
    wide = numeric([1, 2, 3, 5, 5, 10, 10, 20, 50, 100])
    assert outlier("epochs", 200, wide) is None
    assert outlier("epochs", 500, wide).severity == "warning"     # 67 x the median 7.5
    lr = numeric([0.001] * 6 + [0.0005, 0.002])
    assert outlier("learning_rate", 0.03, lr).side == "above"     # 30 x
    assert outlier("learning_rate", 0.00001, lr).side == "below"  # 1/100
    assert outlier("learning_rate", 0.003, lr) is None
    assert set(OUTLIER_RULES) == {"epochs", "learning_rate", "batch_size"}


def test_the_check_page_shows_the_figures_the_command_computes(tmp_path: Path) -> None:
    """One computation: `exnet check --format json` and the site's check page give the
    same medians, quartiles, counts and dropout share for the same corpus."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SITE, corpus)
    publish(corpus, tmp_path / "site")
    page = (tmp_path / "site" / TASK / "check.html").read_text(encoding="utf-8")
    shown = dict(re.findall(r'data-figure="([^"]+)">([^<]*)<', page))
    result = CliRunner().invoke(main, ["check", str(CHECK / "clean_keras.py"), "--task",
                                       TASK, "--corpus", str(corpus), "--format", "json"])
    figures = json.loads(result.output)["corpus"]
    hps = figures["hyperparameters"]
    for name in ("learning_rate", "batch_size", "epochs"):
        for key in ("n", "median", "q1", "q3"):
            assert shown[f"{name}.{key}"] == f"{hps[name][key]:g}", (name, key)
    assert shown["optimizer.top"].startswith(hps["optimizer"]["top"][0][0] + " (")
    dropout = figures["tricks"]["dropout"]
    assert shown["dropout.percent"] == f"{dropout['percent']}%"
    assert shown["dropout.models"] == str(dropout["models"])
