"""Who may ask where, and what they may see: table-driven over bot/access.py (no Telegram)."""

from __future__ import annotations

import pytest

from bot.access import Access
from bot.textclean import clean, short, small_number

U, V, ADMIN, G, H = 1, 2, 9, -100, -200
BOTH = Access(frozenset({U}), frozenset({G}), frozenset({ADMIN}), cleared={"mat": frozenset({U, G})})
EITHER = Access(frozenset({U}), frozenset({G}), frozenset({ADMIN}), group_needs_both=False)


@pytest.mark.parametrize(
    ("access", "user", "chat", "allowed"),
    [
        (BOTH, U, U, True),  # listed user, private chat
        (BOTH, V, V, False),  # stranger
        (BOTH, ADMIN, ADMIN, True),
        (BOTH, U, G, True),  # listed user in a listed group
        (BOTH, U, H, False),  # listed user in a group that is not listed: nothing is posted there
        (BOTH, V, G, False),  # stranger in a listed group
        (EITHER, V, G, True),  # the old rule, on request
        (EITHER, U, H, True),
        (BOTH, None, U, True),  # a reminder to a private chat: its user
        (BOTH, None, G, True),  # a reminder to a listed group
        (BOTH, None, H, False),
    ],
)
def test_allowed(access, user, chat, allowed):
    assert access.allowed(user, chat) is allowed


@pytest.mark.parametrize(
    ("user", "chat", "level"),
    [
        (U, U, "mat"),
        (V, V, ""),
        (ADMIN, ADMIN, "tuyet-mat"),
        (U, G, "mat"),  # user and group both cleared
        (U, H, ""),  # the group is not cleared: its members would read it
        (V, G, ""),  # the user is not
    ],
)
def test_clearance(user, chat, level):
    assert BOTH.clearance(user, chat) == level


def test_uploads_only_from_admins_in_private_or_listed_groups():
    a = Access(frozenset(), frozenset({G}), frozenset({ADMIN}), upload_chats=frozenset({G}))
    assert a.may_upload(ADMIN, ADMIN, private=True)
    assert a.may_upload(ADMIN, G, private=False)
    assert not a.may_upload(ADMIN, H, private=False)
    assert not a.may_upload(U, U, private=True)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("hạn\u200b nộp", "hạn nộp"),
        ("tổ\u00adng kết", "tổng kết"),
        ("\x1b[1;31mhạn\x1b[0m nộp", "hạn nộp"),
        ("\x1b]0;title\x07hạn", "hạn"),
        ("hạn\x00nộp\tbáo  cáo", "hạn nộp báo cáo"),
        ("\ufeffho\u0301i", "hói"),  # BOM gone, combining accent composed (NFC)
        ("dòng 1\n\n dòng 2 ", "dòng 1\ndòng 2"),
    ],
)
def test_clean(raw, cleaned):
    assert clean(raw) == cleaned


def test_short_and_small_number():
    assert short("x" * 5000) == "x" * 79 + "…" and short("ban to chuc") == "ban to chuc"
    assert [small_number(x) for x in ("30", "²", "٣", "12345", "-1", "")] == [30, None, None, None, None, None]
