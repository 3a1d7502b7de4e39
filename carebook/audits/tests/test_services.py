import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from carebook.audits.framework_file import FrameworkFileError
from carebook.audits.models import Framework, FrameworkVersion, Item, LevelDescriptor
from carebook.audits.services import load_framework

from .helpers import VALID

pytestmark = pytest.mark.django_db


def counts():
    return (Framework.objects.count(), FrameworkVersion.objects.count(), Item.objects.count())


def test_load_writes_the_whole_version():
    result = load_framework(data=VALID.encode(), source_name="test.yaml")
    assert result.outcome == "created"
    version = result.framework_version
    assert [level.label for level in version.scale_levels.all()] == [
        "Not in place",
        "Emerging",
        "Established",
        "Embedded",
    ]
    assert [section.ref for section in version.sections.order_by("position")] == ["1", "2"]
    assert list(version.items.values_list("ref", "assessable")) == [
        ("1.1", True),
        ("1.2", False),
        ("2.1", True),
    ]
    item = version.items.get(ref="1.1")
    assert item.evidence_prompts == ["How do leaders know?"]
    assert [(d.level.value, d.description) for d in item.level_descriptors.all()] == [
        (1, "Leaders do not know."),
        (4, "Leaders know and act."),
    ]
    assert version.source_year == 2017


def test_loading_identical_content_again_changes_nothing_and_says_so():
    first = load_framework(data=VALID.encode()).framework_version
    before = counts()
    reflowed = VALID.replace("tags: [leadership]", "tags:\n          - leadership")
    result = load_framework(data=reflowed.encode())
    assert result.outcome == "unchanged"
    assert "already loaded with the same content: nothing changed" in result.message
    assert counts() == before
    assert FrameworkVersion.objects.get(pk=first.pk).loaded_at == first.loaded_at


def test_different_content_replaces_an_unused_version():
    load_framework(data=VALID.encode())
    result = load_framework(data=VALID.replace("Staff are supervised.", "Staff thrive.").encode())
    assert result.outcome == "replaced"
    assert FrameworkVersion.objects.filter(framework__ref="test-framework").count() == 1
    assert Item.objects.get(
        framework_version__framework__ref="test-framework", ref="2.1"
    ).statement == ("Staff thrive.")


def test_different_content_refused_once_an_audit_uses_the_version(monkeypatch):
    load_framework(data=VALID.encode())
    monkeypatch.setattr("carebook.audits.services.framework_version_in_use", lambda version: True)
    before = counts()
    with pytest.raises(FrameworkFileError) as refused:
        load_framework(data=VALID.replace("Staff are supervised.", "Staff thrive.").encode())
    assert str(refused.value) == (
        "version: “2024-01” of test-framework is already used by an audit, so it cannot change: "
        "give the new content a new version"
    )
    assert counts() == before


def test_a_new_version_is_a_new_framework_version_and_becomes_current():
    from carebook.audits.selectors import current_version

    load_framework(data=VALID.encode())
    load_framework(data=VALID.replace('version: "2024-01"', 'version: "2025-01"').encode())
    framework = Framework.objects.get(ref="test-framework")
    assert framework.versions.count() == 2
    assert current_version(framework).version == "2025-01"


def test_check_only_writes_nothing():
    before = counts()
    result = load_framework(data=VALID.encode(), check_only=True)
    assert result.outcome == "checked"
    assert counts() == before


def test_refused_file_writes_nothing():
    before = counts()
    with pytest.raises(FrameworkFileError):
        load_framework(data=VALID.replace("4: Leaders", "5: Leaders").encode())
    assert counts() == before


# Hypothesis: whatever the bytes, the loader refuses with its own error and writes nothing.

yaml_like = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.builds(
        lambda cut, junk: (VALID[:cut] + junk + VALID[cut:]).encode(),
        st.integers(min_value=0, max_value=len(VALID)),
        st.text(alphabet="&*!:-[]{}'\"#|>@`%\n 1.\\\x00", max_size=8),
    ),
    st.builds(lambda cut: VALID[:cut].encode(), st.integers(min_value=0, max_value=len(VALID) - 1)),
)


@given(data=yaml_like)
def test_loader_never_crashes_and_never_writes_on_failure(data):
    before = counts()
    try:
        result = load_framework(data=data, check_only=True)
    except FrameworkFileError as error:
        assert error.problems
        assert all(str(problem) for problem in error.problems)
    else:
        assert result.outcome == "checked"
    assert counts() == before


@given(data=yaml_like)
def test_loading_for_real_is_all_or_nothing(data):
    before = counts()
    try:
        load_framework(data=data)
    except FrameworkFileError:
        assert counts() == before
    else:
        assert LevelDescriptor.objects.exists()


# The built-in frameworks


BUILT_IN = {
    "cscip-2017-social-work-practice": (12, 12),
    "cscip-2017-edge-of-care": (9, 7),
    "cscip-2017-cse-mental-health": (6, 6),
    "seven-enablers-of-improvement": (7, 7),
    "section-11-self-assessment": (8, 8),
}


def test_the_five_built_in_frameworks_are_loaded_with_their_items():
    call_command("load_builtin_frameworks", verbosity=0)
    for ref, (items, assessable) in BUILT_IN.items():
        version = Framework.objects.get(ref=ref).versions.get()
        assert version.items.count() == items, ref
        assert version.items.filter(assessable=True).count() == assessable, ref
        assert [level.label for level in version.scale_levels.all()] == [
            "Not in place",
            "Emerging",
            "Established",
            "Embedded",
        ]
        for item in version.items.all():
            assert item.guidance.startswith("Source: "), (ref, item.ref)
            if item.assessable:
                assert item.evidence_prompts, (ref, item.ref)
                assert item.level_descriptors.count() == 4, (ref, item.ref)


def test_load_builtin_frameworks_is_idempotent(capsys):
    call_command("load_builtin_frameworks")
    before = counts()
    call_command("load_builtin_frameworks")
    assert counts() == before
    assert capsys.readouterr().out.count("nothing changed") >= 5


# The command


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_command_check_validates_without_writing(tmp_path, capsys):
    before = counts()
    call_command("load_framework", write(tmp_path, "ok.yaml", VALID), "--check")
    assert counts() == before
    assert "is a valid framework file (checked only: nothing written)" in capsys.readouterr().out


def test_command_check_reports_refusals_on_stderr_with_non_zero_status(tmp_path, capsys):
    path = write(tmp_path, "bad.yaml", VALID.replace("4: Leaders", "5: Leaders"))
    with pytest.raises(CommandError) as refused:
        call_command("load_framework", path, "--check")
    assert refused.value.returncode == 1
    err = capsys.readouterr().err
    assert f"{path}: refused, nothing written (1 problem):" in err
    assert "sections[0].items[0].level_descriptors.5: 5 is not a value on the scale" in err


def test_command_loads_each_file_on_its_own(tmp_path, capsys):
    good = write(tmp_path, "good.yaml", VALID)
    bad = write(tmp_path, "bad.yaml", "ref: [")
    with pytest.raises(CommandError) as refused:
        call_command("load_framework", bad, good)
    assert str(refused.value) == "1 of 2 files refused."
    assert Framework.objects.filter(ref="test-framework").exists()
    out = capsys.readouterr()
    assert f"{good}: Loaded A test framework" in out.out
    assert f"{bad}: refused" in out.err


def test_command_missing_file_and_oversized_file(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2_097_153)
    with pytest.raises(CommandError):
        call_command("load_framework", str(tmp_path / "none.yaml"), str(big))
    err = capsys.readouterr().err
    assert f"There is no file at {tmp_path / 'none.yaml'}." in err
    assert "The file is 2,097,153 bytes; a framework file may be at most 2 MB" in err


def test_command_exit_status_from_the_shell(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    path = write(tmp_path, "bad.yaml", "- not a mapping\n")
    run = subprocess.run(
        [sys.executable, "manage.py", "load_framework", "--check", path],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
        timeout=120,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "line 1: must be a mapping (a framework file), not a list" in run.stderr
