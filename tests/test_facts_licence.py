"""Licence files and package metadata to SPDX ids and kinds. The licence texts are the
standard texts `identify` ships (choosealicense.com's), filled in as a learner would,
so no repository's file is copied into the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from identify.vendor.licenses import LICENSES

from exnet.facts import project_facts
from exnet.facts.licence import kind_of, spdx_of_expression

TEXTS = dict(LICENSES)


def filled(spdx: str) -> str:
    return (TEXTS[spdx].replace("[year]", "2021").replace("[fullname]", "Ann Learner")
            .replace("[yyyy]", "2021").replace("[name of copyright owner]", "Ann Learner"))


def licence_of(tmp_path: Path, name: str, text: str) -> dict:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return project_facts(tmp_path).to_json()["licence"]


@pytest.mark.parametrize("spdx, name, kind", [
    ("MIT", "LICENSE", "permissive"), ("Apache-2.0", "LICENSE.txt", "permissive"),
    ("GPL-3.0", "COPYING", "copyleft"), ("BSD-3-Clause", "LICENSE.md", "permissive"),
    ("Unlicense", "UNLICENSE", "permissive"), ("LGPL-3.0", "COPYING.LESSER", "copyleft"),
])
def test_licence_files(tmp_path: Path, spdx: str, name: str, kind: str) -> None:
    assert licence_of(tmp_path, name, filled(spdx)) == {
        "spdx": spdx, "kind": kind, "how": "file",
        "evidence": {"file": name, "line": None, "cell": None}}


def test_a_modified_mit_header_is_still_mit(tmp_path: Path) -> None:
    text = filled("MIT").replace("MIT License", "The MIT License (MIT)", 1)
    text = text.replace("Copyright (c) 2021 Ann Learner",
                        "Copyright (c) 2019-2021 Ann Learner and contributors")
    assert licence_of(tmp_path, "LICENSE", "  \n" + text)["spdx"] == "MIT"


def test_an_spdx_tag_and_a_bare_id(tmp_path: Path) -> None:
    assert licence_of(tmp_path, "LICENSE", "SPDX-License-Identifier: GPL-2.0+\n")["spdx"] == \
        "GPL-2.0-or-later"
    (tmp_path / "LICENSE").unlink()
    assert licence_of(tmp_path, "LICENCE", "mit\n")["spdx"] == "MIT"


def test_an_unknown_text_is_other_with_its_file(tmp_path: Path) -> None:
    assert licence_of(tmp_path, "LICENSE", "All rights reserved. Ask me first.\n") == {
        "spdx": None, "kind": "other", "how": "file",
        "evidence": {"file": "LICENSE", "line": None, "cell": None}}


def test_no_licence_and_a_symlink_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(filled("MIT"))
    project = tmp_path / "p"
    project.mkdir()
    assert project_facts(project).to_json()["licence"] == {
        "spdx": None, "kind": "none", "how": None, "evidence": None}
    os.symlink(outside, project / "LICENSE")
    assert project_facts(project).to_json()["licence"]["spdx"] is None


def test_metadata_when_there_is_no_file() -> None:
    fixtures = Path(__file__).parent / "fixtures" / "facts"
    assert project_facts(fixtures / "poetry").to_json()["licence"] == {
        "spdx": "GPL-3.0-or-later", "kind": "copyleft", "how": "metadata",
        "evidence": {"file": "pyproject.toml", "line": 4, "cell": None}}


@pytest.mark.parametrize("text, want", [("Apache-2.0", "Apache-2.0"), ("mit", "MIT"),
                                        ("MIT OR GPL-3.0", "MIT OR GPL-3.0-only"),
                                        ("Apache 2.0", None), ("", None)])
def test_spdx_of_expression(text: str, want: str | None) -> None:
    assert spdx_of_expression(text) == want


@pytest.mark.parametrize("spdx, kind", [("MIT", "permissive"), ("CC0-1.0", "permissive"),
                                        ("GPL-3.0", "copyleft"), ("MPL-2.0", "copyleft"),
                                        ("CC-BY-NC-4.0", "other"), (None, "none"),
                                        ("MIT AND GPL-3.0", "copyleft")])
def test_kind_of(spdx: str | None, kind: str) -> None:
    assert kind_of(spdx) == kind


def test_a_title_only_file_and_an_empty_file(tmp_path: Path) -> None:
    assert licence_of(tmp_path, "LICENSE", "MIT License\n\nCopyright (c) 2026 Ann\n") == {
        "spdx": "MIT", "kind": "permissive", "how": "file",
        "evidence": {"file": "LICENSE", "line": None, "cell": None}}
    assert licence_of(tmp_path, "LICENSE", "")["kind"] == "none"
    assert licence_of(tmp_path, "LICENSE", "Apache License\nVersion 2.0, January 2004\n"
                      )["spdx"] == "Apache-2.0"
