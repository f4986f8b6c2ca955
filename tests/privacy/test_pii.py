"""PII scrubbing: each kind of personal data is found (with its checksum where it has one), and
ordinary catalog text is left alone."""

from __future__ import annotations

import pandas as pd
import pytest

from whyrec.data.dataset import Dataset
from whyrec.privacy.pii import cn_id_valid, find_pii, scrub_catalog_text, scrub_text
from whyrec.privacy.sanitise import private_text

FOUND = [
    ("write to ann.lee@example.com today", "ann.lee@example.com", "EMAIL_ADDRESS"),
    ("call +1 (415) 555-0132 after six", "+1 (415) 555-0132", "PHONE_NUMBER"),
    ("手机13812345678，谢谢", "13812345678", "PHONE_NUMBER"),
    ("电话 +86 138 1234 5678", "+86 138 1234 5678", "PHONE_NUMBER"),
    ("card 4111 1111 1111 1111 please", "4111 1111 1111 1111", "CREDIT_CARD"),
    ("IBAN DE89 3704 0044 0532 0130 00 ok", "DE89 3704 0044 0532 0130 00", "IBAN_CODE"),
    ("身份证11010519491231002X", "11010519491231002X", "CN_ID_CARD"),
    ("see https://evil.example.com/x?y=1 now", "https://evil.example.com/x?y=1", "URL"),
    ("visit www.lamps-shop.cn for more", "www.lamps-shop.cn", "URL"),
    ("server 192.168.1.20 is down", "192.168.1.20", "IP_ADDRESS"),
    ("I live at 221 Baker Street, Apt 4", "221 Baker Street, Apt 4", "ADDRESS"),
    ("12 Oak Lane, Springfield, IL 62704", "12 Oak Lane, Springfield, IL 62704", "ADDRESS"),
    ("地址：北京市朝阳区建国路88号", "北京市朝阳区建国路88号", "ADDRESS"),
    ("thanks, my name is Alice Johnson", "Alice Johnson", "PERSON"),
    ("请联系李先生", "李先生", "PERSON"),
    ("我叫王小明", "王小明", "PERSON"),
]


@pytest.mark.parametrize(("text", "secret", "kind"), FOUND)
def test_personal_data_is_found_and_removed(text: str, secret: str, kind: str) -> None:
    assert kind in {f.kind for f in find_pii(text)}
    scrubbed = scrub_text(text)
    assert secret not in scrubbed
    assert "(" in scrubbed  # a placeholder says something was there


@pytest.mark.parametrize("text", [
    "card 4111 1111 1111 1112 please",  # fails Luhn
    "id 110105194912310021",  # wrong check digit
    "IBAN DE00 3704 0044 0532 0130 00",  # wrong checksum
])
def test_numbers_failing_their_checksum_are_not_personal_data(text: str) -> None:
    kinds = {f.kind for f in find_pii(text)}
    assert not kinds & {"CREDIT_CARD", "CN_ID_CARD", "IBAN_CODE"}


def test_chinese_id_check_digit() -> None:
    assert cn_id_valid("11010519491231002X")
    assert cn_id_valid("11010519491231002x")
    assert not cn_id_valid("110105194912310021")
    assert not cn_id_valid("1101051949123100")


def test_the_demo_catalog_is_left_alone(demo_dataset: Dataset) -> None:
    items = demo_dataset.items
    texts = {*items["title"], *items["brand"], *items["category"], *items["description"],
             *(t for tags in items["tags"] for t in tags)}
    changed = [t for t in texts if isinstance(t, str) and scrub_catalog_text(t) != t]
    assert changed == []


@pytest.mark.realdata
def test_movielens_titles_keep_their_names(movielens_dir: object) -> None:
    from pathlib import Path

    titles = pd.read_csv(Path(str(movielens_dir)) / "movies.csv")["title"].tolist()
    changed = [t for t in titles if scrub_catalog_text(t) != t]
    # catalog text keeps names ("Mrs. Doubtfire"); only contact data would go
    assert changed == []
    assert scrub_text("Mrs. Doubtfire (1993)") != "Mrs. Doubtfire (1993)"  # people's text


def test_ordinary_product_words_are_not_addresses_or_phones() -> None:
    for text in ("Northpace Vela 5 Road Running Shoe", "2 TB Hard Drive", "Heat (1995)",
                 "ISBN 978-0-13-468599-1", "Pack of 12 AA batteries", "5号电池 4节装",
                 "Top 10 in 2023-2024", "rated 4.5/5 by 1,204 people", "Node.js guide"):
        assert scrub_text(text) == text, text


def test_the_person_id_is_replaced_by_you() -> None:
    assert private_text("u0042 bought it; u00421 did not", "u0042") == (
        "you bought it; u00421 did not")


def test_part_numbers_in_catalog_titles_are_not_phones() -> None:
    title = "Fender 099-2250-000 4-Position Custom Shop Telecaster Pickup Selector Switch"
    assert scrub_catalog_text(title) == title
    assert scrub_catalog_text("Desk lamp, call 415-555-0132") == "Desk lamp, call (phone)"
    assert scrub_catalog_text("台灯 13812345678") == "台灯 (phone)"


def test_a_failed_match_does_not_hide_the_number_behind_it() -> None:
    # the card pattern first reads "13912345678 4111" as one card (Luhn fails), which used to
    # hide the real card number right after the phone number
    scrubbed = scrub_text("call 13912345678 4111 1111 1111 1111 now")
    assert scrubbed == "call (phone) (card number) now"
