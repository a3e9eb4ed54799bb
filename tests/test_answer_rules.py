"""When the answer layer decides a question asks for money, on questions of our own."""

from __future__ import annotations

import pytest

from index.answer.lines import asks_money


@pytest.mark.parametrize(
    "question",
    [
        "mức lương tối thiểu vùng năm 2024 là bao nhiêu?",
        "học phí đại học năm nay tăng bao nhiêu",
        "bảo hiểm y tế hộ gia đình đóng bao nhiêu",
        "muc luong co ban bao nhieu",
        "kinh phí hội nghị được duyệt bao nhiêu",
        "mỗi mô hình được hỗ trợ bao nhiêu tiền",
    ],
)
def test_money_questions(question: str) -> None:
    assert asks_money(question)


@pytest.mark.parametrize(
    "question",
    [
        "số lượng đảng viên mới bao nhiêu",  # lượng, not lương
        "chat luong can bo bao nhieu phan tram dat chuan",
        "ai phê duyệt dự toán kinh phí hội nghị",  # names the budget, asks who
        "mục tiêu giảm chi phí logistics",
        "tỷ lệ bao phủ bảo hiểm y tế bao nhiêu",  # a percentage
        "đồng bào nhiều dân tộc sinh sống ở đâu",
    ],
)
def test_not_money_questions(question: str) -> None:
    assert not asks_money(question)
