"""The abstention features and decision on hand-built retrievals (no model, no index)."""

from __future__ import annotations

import json

import pytest

from index.answer.evidence import (
    CLOSED_KINDS,
    FEATURES,
    MODEL_PATH,
    Evidence,
    Model,
    decide,
    features,
    load_model,
    question_terms,
)
from index.retrieval.query import read_query
from index.text import normalize
from index.vocab.cues import short_forms
from index.vocab.spans import has_span


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("số điện thoại đầu mối của ban tổ chức là gì?", "phone"),
        ("so dien thoai lien he", "phone"),
        ("báo cáo gửi qua email nào?", "email"),
        ("link họp trực tuyến là gì?", "link"),
        ("hội nghị bắt đầu lúc mấy giờ?", "clock"),
        ("mỗi mô hình được hỗ trợ bao nhiêu tiền?", "money"),
        ("thành viên được phụ cấp bao nhiêu mỗi tháng?", "money"),
        ("vốn điều lệ tối thiểu của quỹ là bao nhiêu?", "money"),
        ("tỷ lệ hài lòng của người dân quý 1/2026 là bao nhiêu?", "percent"),
        ("chỉ số SIPAS đạt bao nhiêu %?", "percent"),
        ("tỷ trọng kinh tế số trong GRDP đạt bao nhiêu?", "percent"),
        ("chỉ số PCI năm 2022 xếp thứ mấy?", "rank"),
        ("thông báo kết luận số mấy?", "doc_number"),
        ("trưởng đoàn kiểm tra là ai?", "person"),
        ("ai được chỉ định làm chủ tịch hội (họ tên)?", "person"),
        ("hội thảo tổ chức ở đâu?", "place"),
        ("họp ở phòng nào?", "place"),
        ("hạn nộp báo cáo là ngày nào?", "date"),
        ("khi nao tong ket", "date"),
        ("có bao nhiêu đảng viên mới?", "count"),
        ("chỉ số DDCI được bao nhiêu điểm?", "points"),
        ("phiên họp kéo dài đến mấy giờ?", "clock"),
        ("đơn vị nào chủ trì?", None),  # a unit: nearly every passage names one, no span check
        ("nội dung chính của kế hoạch", None),
    ],
)
def test_asked_kind(question, kind):
    assert read_query(question).span == kind


@pytest.mark.parametrize(
    ("kind", "text", "present"),
    [
        ("phone", "Liên hệ đồng chí A, ĐT: 0263.3822.456", True),
        ("phone", "điện thoại 0912 345 678", True),
        ("phone", "gửi về địa chỉ vanthu_btctu@hanoi.gov.vn", False),
        ("email", "gửi về địa chỉ vanthu_btctu@hanoi.gov.vn", True),
        ("email", "gửi về Ban Tổ chức Thành ủy", False),
        ("link", "tải tài liệu tại https://example.gov.vn/tl", True),
        ("link", "tải tài liệu Phiên họp tại:", False),
        ("clock", "vào lúc 14 giờ 30 phút ngày 12/01/2026", True),
        ("clock", "Dự kiến Quý IV/2024", False),
        ("money", "khoán 150.000đ/tháng cho kế toán", True),
        ("money", "tổng kinh phí 331.969 tỷ đồng", True),
        ("money", "tỷ lệ hộ nghèo giảm 1,5%", False),
        ("percent", "đạt 89,58%", True),
        ("percent", "đạt 89 điểm", False),
        ("rank", "xếp thứ 12/63 tỉnh, thành phố", True),
        ("rank", "nâng cao thứ hạng chỉ số", False),
        ("doc_number", "Số: 85/GM-UBND", True),
        ("doc_number", "Số:      /TB-UBND", False),
        ("person", "T/M BAN THƯỜNG VỤ\nNguyễn Thị Tuyền", True),
        ("person", "Ban Dân vận Thành ủy chủ trì", False),
        ("place", "tại Hội trường 100 chỗ", True),
        ("place", "Dự kiến Quý IV/2024", False),
        ("date", "trước ngày 20/9/2024", True),
        ("date", "trong Quý I/2021", True),
        ("date", "Ban Tổ chức Thành ủy chủ trì", False),
        ("count", "kết nạp 31.706 đảng viên mới", True),
        ("count", "giai đoạn 2021 - 2025", False),  # years are not counts
    ],
)
def test_has_span(kind, text, present):
    assert has_span(kind, text) is present


IDF = {"chi": 1.0, "so": 0.5, "sipas": 6.0, "nam": 0.3, "2024": 3.0, "tinh": 1.0, "lam": 2.5, "dong": 2.0, "dat": 1.0}


@pytest.mark.parametrize(
    ("question", "specific"),
    [
        ("chỉ số SIPAS năm 2024 của tỉnh Lâm Đồng đạt bao nhiêu %?", {"sipas", "2024"}),
        ("chi so sipas nam 2024", {"sipas", "2024"}),  # rare by IDF even when not typed in capitals
        ("chỉ số của tỉnh", set()),
        ("kết quả chương trình 10", {"ket", "qua", "chuong", "trinh", "10"}),  # words no passage holds
    ],
)
def test_specific_terms(question, specific):
    terms = question_terms(read_query(question), IDF, unknown_idf=7.0)
    assert {t.word for t in terms if t.specific} == specific
    assert all(0.0 <= t.weight <= 1.0 for t in terms)
    assert not {"bao", "nhieu", "cua"} & {t.word for t in terms}  # function words say nothing about what


def _ev(text: str, dense: float = 0.9, bm25: float = 5.0) -> Evidence:
    return Evidence(text=text, index_text=normalize(text), dense=dense, bm25=bm25, score=0.5)  # as the index has it


SIPAS_Q = "chỉ số SIPAS năm 2024 của tỉnh Lâm Đồng đạt bao nhiêu %?"
CASES = [
    # (name, question, passages, expected feature values)
    (
        "figure of the asked kind beside the asked index",
        SIPAS_Q,
        [_ev("Năm 2024, chỉ số SIPAS của tỉnh Lâm Đồng đạt 84,5%.")],
        {"specific_missing": 0.0, "kind_asked": 1.0, "kind_missing": 0.0, "kind_missing_near": 0.0,
         "closed_missing": 0.0, "span_coverage": 1.0},
    ),
    (
        "the index named, no figure anywhere",
        SIPAS_Q,
        [_ev("Nâng cao các chỉ số PAR INDEX, SIPAS của tỉnh Lâm Đồng năm 2024.")],
        {"specific_missing": 0.0, "kind_missing": 1.0, "kind_missing_near": 1.0, "closed_missing": 1.0,
         "span_coverage": 0.0},
    ),
    (
        "a percentage, but in another line than the asked index",
        SIPAS_Q,
        [_ev("Chỉ số SIPAS của tỉnh Lâm Đồng năm 2024 được nêu.\nTỷ lệ giải ngân đạt 60%.")],
        {"kind_missing": 0.0, "kind_missing_near": 1.0},
    ),
    (
        "the year asked is not in the passages",
        SIPAS_Q,
        [_ev("Năm 2023, chỉ số SIPAS của tỉnh Lâm Đồng đạt 84,5%.")],
        {"kind_missing": 0.0},
    ),
    (
        "a date asked '22/1' is held by '22/01/2026'",
        "họp ngày 22/1 ở đâu?",
        [_ev("Cuộc họp: 14 giờ ngày 22/01/2026, tại Hội trường 100 chỗ.")],
        {"specific_missing": 0.0, "kind_missing": 0.0, "coverage": 1.0},
    ),
    (
        "a count asked as 'bao nhiêu N' wants a number before N, not any number",
        "hội đồng có mấy phó chủ tịch?",
        [_ev("Hội đồng gồm 01 Chủ tịch và hai Phó Chủ tịch.")],
        {"kind_missing": 0.0, "closed_missing": 0.0},
    ),
    (
        "a count with numbers, none of them of what is counted (an open kind: not closed_missing)",
        "năm 2025 phát hiện bao nhiêu vụ phạm tội?",
        [_ev("Năm 2025, tội phạm giảm 12% so với năm 2024.")],
        {"kind_missing": 1.0, "closed_missing": 0.0},
    ),
    (
        "a phone asked, only an e-mail there",
        "số điện thoại đầu mối ban tổ chức là gì?",
        [_ev("Ban Tổ chức Thành ủy, e-mail vanthu_btctu@hanoi.gov.vn.")],
        {"kind_missing": 1.0, "closed_missing": 1.0},
    ),
    (
        "no kind asked",
        "nội dung kế hoạch",
        [_ev("Kế hoạch gồm ba nội dung.")],
        {"kind_asked": 0.0, "kind_missing": 0.0},
    ),
]


@pytest.mark.parametrize(("name", "question", "passages", "expected"), CASES, ids=[c[0] for c in CASES])
def test_features(name, question, passages, expected):
    query = read_query(question)
    f = features(query, passages, question_terms(query, IDF, unknown_idf=7.0))
    assert set(f) == set(FEATURES)
    for key, value in expected.items():
        assert f[key] == pytest.approx(value), key
    if "year asked" in name:
        assert f["specific_missing"] == pytest.approx(3.0 / 7.0)


def test_bm25_margin_and_dense():
    q = read_query("kinh phí hội nghị")
    f = features(q, [_ev("a", dense=0.9, bm25=9.0), _ev("b", dense=0.8, bm25=4.0)], question_terms(q, {}, 5.0))
    assert f["dense"] == pytest.approx(0.9)
    assert f["bm25_margin"] == pytest.approx(2.0 ** 0 * __import__("math").log(10 / 5))


def _model(weights: dict[str, float], bias: float, threshold: float) -> Model:
    names = tuple(FEATURES)
    return Model(names, tuple(weights.get(n, 0.0) for n in names), bias, (0.0,) * len(names), (1.0,) * len(names),
                 threshold)


@pytest.mark.parametrize(
    ("passages", "abstain"),
    [
        ([_ev("Năm 2024, chỉ số SIPAS của tỉnh Lâm Đồng đạt 84,5%.")], False),
        ([_ev("Nâng cao các chỉ số PAR INDEX, SIPAS của tỉnh Lâm Đồng năm 2024.")], True),
        ([], True),  # nothing retrieved: nothing to answer from
    ],
)
def test_decision_follows_the_model(passages, abstain):
    model = _model({"kind_missing": -4.0, "specific_missing": -2.0}, bias=2.0, threshold=0.5)
    d = decide(read_query(SIPAS_Q), passages, IDF, model, unknown_idf=7.0)
    assert d.abstain is abstain
    assert d.kind == "percent"
    assert 0.0 <= d.probability <= 1.0


def test_model_round_trips_through_json():
    model = _model({"coverage": 1.5}, bias=-0.2, threshold=0.3)
    again = Model.from_json(json.loads(json.dumps(model.to_json())))
    assert again == model
    assert again.probability({"coverage": 1.0}) == pytest.approx(model.probability({"coverage": 1.0}))


def test_committed_model_is_complete():
    if not MODEL_PATH.exists():
        pytest.skip("no fitted model committed yet")
    model = load_model()
    assert model.features and set(model.features) <= set(FEATURES)
    assert len(model.weights) == len(model.features) == len(model.mean) == len(model.scale)
    assert 0.0 < model.threshold < 1.0
    assert model.info.get("command")  # how to refit it


@pytest.mark.parametrize(
    ("coverage", "dense", "off"),
    [
        (0.21, 0.83, True),  # "giá vé máy bay …": neither the words nor the meaning are in the index
        (0.35, 0.833, True),
        (0.21, 0.88, False),  # close in meaning: the model decides
        (0.64, 0.83, False),  # most of the words are there
        (0.3, 0.845, True),  # a question about something else (eval/offtopic.jsonl)
        (0.3, 0.855, False),  # … but over the cosine chosen there: an answerable one typed without diacritics
    ],
)
def test_off_topic_guard(coverage, dense, off):
    from index.answer.evidence import off_topic

    assert off_topic({"coverage": coverage, "dense": dense}) is off
    model = _model({}, bias=5.0, threshold=0.5)  # a model that would always answer
    passages = [_ev("Kế hoạch tổ chức hội nghị tổng kết.", dense=dense)]
    d = decide(read_query("hội nghị"), passages, {"hoi": 1.0, "nghi": 1.0}, model, unknown_idf=2.0)
    from index.answer.evidence import OFF_TOPIC_COVERAGE, OFF_TOPIC_DENSE

    assert d.abstain is (d.features["coverage"] < OFF_TOPIC_COVERAGE and dense < OFF_TOPIC_DENSE)


# ---- the span checks: a span that tells the asker something, of the asked kind, where it is asked ----
@pytest.mark.parametrize(
    ("question", "text", "present"),
    [
        # a name answers "trưởng đoàn là ai" beside the title, not a signer elsewhere
        ("trưởng đoàn kiểm tra là ai?", "Trưởng đoàn: đồng chí Nguyễn Văn An, Phó Giám đốc Sở.", True),
        ("trưởng đoàn kiểm tra là ai?", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An", False),
        # a province is not a person ("Lâm Đồng", "Hà Nội" start like family names)
        ("ai được chỉ định làm chủ tịch hội (họ tên)?", "giữ chức Chủ tịch Hội Công chứng viên tỉnh Lâm Đồng", False),
        ("ai được chỉ định làm chủ tịch hội (họ tên)?", "Chủ tịch Hội: bà Trần Thị Bình", True),
        # the numbers the question gives are no answer: "tháng mấy năm 2026" is not "năm 2026"
        ("kiểm tra vào tháng mấy năm 2026?", "Kế hoạch kiểm tra cải cách hành chính năm 2026.", False),
        ("kiểm tra vào tháng mấy năm 2026?", "Sở Xây dựng | Tháng 7/2026", True),
        ("họp ngày 12/01/2026 kéo dài đến mấy giờ?", "Thời gian: ngày 12/01/2026.", False),
        ("họp ngày 12/01/2026 kéo dài đến mấy giờ?", "từ 14 giờ 30 đến 17 giờ ngày 12/01/2026", True),
        # a cited document's date and the place-and-date line say when a paper was signed
        ("khi nào tổng kết phong trào?", "Thực hiện Kế hoạch số 9669/KH-UBND ngày 24/12/2025 của UBND tỉnh;", False),
        ("khi nào tổng kết phong trào?", "SỞ NỘI VỤ Số: 124/TTr-SNV Lâm Đồng, ngày 11 tháng 02 năm 2026", False),
        ("khi nào tổng kết phong trào thi đua?", "Tổng kết phong trào trong tháng 12/2026.", True),
        # a score in điểm
        ("chỉ số DDCI của sở được bao nhiêu điểm?", "Sở Nội vụ đạt 78,5 điểm.", True),
        ("chỉ số DDCI của sở được bao nhiêu điểm?", "xây dựng Bộ chỉ số DDCI năm 2025", False),
        # a place named outright
        ("hội thảo tổ chức ở đâu?", "Địa điểm: Hội trường tầng 3, Trung tâm Hành chính tỉnh.", True),
        ("hội thảo tổ chức ở đâu?", "Hội thảo dự kiến ngày 18/11/2025, thành phần gồm các sở.", False),
        # a count of a short form: the number before the words it abbreviates
        ("hội nghị có bao nhiêu DN phản ánh khó khăn?", "có 139 doanh nghiệp phản ánh khó khăn", True),
        ("toàn đảng bộ kết nạp được bao nhiêu đv mới?", "đã kết nạp 31.706 đảng viên mới", True),
        ("hội nghị có bao nhiêu DN phản ánh khó khăn?", "có 139 hồ sơ phản ánh khó khăn", False),
        # a noun spelled out, counted under the short form the document writes
        ("đã ủy quyền bao nhiêu thủ tục hành chính?", "thực hiện ủy quyền đối với 708 TTHC đạt tỷ lệ 39,17%", True),
        ("đã ủy quyền bao nhiêu thủ tục hành chính?", "thực hiện ủy quyền 136 nhiệm vụ quản lý", False),
        # a share of what is counted
        ("được góp tối đa bao nhiêu vốn vào quỹ?", "không được vượt quá 11% vốn điều lệ của Quỹ", True),
        # the count as a label's value, the form of target lists
        ("bao nhiêu bác sĩ trên 1 vạn dân?", "(9) Số giường bệnh/vạn dân: 30 - 35; Số bác sỹ/vạn dân: 15", True),
        ("bao nhiêu bác sĩ trên 1 vạn dân?", "Số bác sỹ được đào tạo lại", False),
        # a generic measure word counts in the document's own words
        ("mỗi đợt nối được bao nhiêu chỗ?", "kết nối tới 236 điểm cầu", True),
    ],
)
def test_span_of_the_asked_kind(question, text, present):
    query = read_query(question)
    f = features(query, [_ev(text)], question_terms(query, IDF, unknown_idf=7.0))
    assert f["kind_missing"] == (0.0 if present else 1.0)
    assert f["closed_missing"] == (0.0 if present or query.span not in CLOSED_KINDS else 1.0)


@pytest.mark.parametrize(
    ("question", "text", "missing"),
    [
        ("báo cáo quý I/2026 có gì?", "Báo cáo kết quả quý 1/2026.", 0.0),  # a quarter in roman or figures
        ("báo cáo quý 1/2026 có gì?", "BÁO CÁO CÔNG TÁC QUÝ I/2026", 0.0),
        ("báo cáo quy 1 nêu gì?", "Báo cáo Quý I năm 2026", 0.0),
        ("họp ngày 12/01/2026 ở đâu?", "vào lúc 14 giờ 30 phút, ngày 12 tháng 01 năm 2026", 0.0),  # spelled out
        ("họp ngày 12/01/2026 ở đâu?", "vào ngày 13 tháng 01 năm 2026", 1.0),
        ("kết quả năm 2024 thế nào?", "Năm 2023, kết quả tốt.", 1.0),
    ],
)
def test_numbers_in_every_form(question, text, missing):
    query = read_query(question)
    f = features(query, [_ev(text)], question_terms(query, IDF, unknown_idf=7.0))
    assert f["number_missing"] == missing


def test_a_line_stands_under_its_document_label_and_section():
    """The index text is normalize(label | section | text): the label and section count for every line."""
    query = read_query("ban dân vận đánh giá gì?")
    text = "- Đánh giá kết quả công tác dân vận."
    plain = Evidence(text=text, index_text=normalize(text))
    under = Evidence(text=text, index_text=normalize("Kế hoạch 34 | 3.4. Ban Dân vận Thành ủy | " + text))
    terms = question_terms(query, {"ban": 1.0, "dan": 2.0, "van": 2.0, "danh": 1.0, "gia": 1.0}, 7.0)
    assert features(query, [under], terms)["line_coverage"] > features(query, [plain], terms)["line_coverage"]


@pytest.mark.parametrize(
    ("question", "text", "gap"),
    [
        # a closed kind: its span must stand among the question's words, not in another line
        (SIPAS_Q, "Năm 2024, chỉ số SIPAS của tỉnh Lâm Đồng đạt 84,5%.", 0.0),
        (SIPAS_Q, "Chỉ số SIPAS của tỉnh Lâm Đồng năm 2024.\nTỷ lệ giải ngân đạt 60%.", "positive"),
        (SIPAS_Q, "Nâng cao chỉ số SIPAS của tỉnh Lâm Đồng năm 2024.", 1.0),  # no span at all
        # an open kind (a count): answers are written in too many ways to hold it to one line
        ("năm 2025 phát hiện bao nhiêu vụ?", "Năm 2025.\nPhát hiện 12 vụ.", 0.0),
    ],
)
def test_closed_gap(question, text, gap):
    query = read_query(question)
    f = features(query, [_ev(text)], question_terms(query, IDF, unknown_idf=7.0))
    if gap == "positive":
        assert 0.0 < f["closed_gap"] < 1.0
    else:
        assert f["closed_gap"] == pytest.approx(gap)
    assert f["line_gap"] == pytest.approx(f["closed_gap"])  # line_gap: the same, and for a date too


def test_line_gap_holds_a_date_to_its_task():
    query = read_query("khi nào tổng kết phong trào?")
    terms = question_terms(query, {"tong": 2.0, "ket": 2.0, "phong": 3.0, "trao": 3.0}, 7.0)
    near = features(query, [_ev("Tổng kết phong trào trong tháng 12/2026.")], terms)
    far = features(query, [_ev("Tổng kết phong trào.\nBáo cáo gửi trong tháng 12/2026.")], terms)
    assert near["line_gap"] == pytest.approx(0.0)
    assert far["line_gap"] == pytest.approx(1.0)
    assert near["closed_gap"] == far["closed_gap"] == 0.0  # a date is not a closed kind


@pytest.mark.parametrize(
    ("question", "text", "coverage"),
    [
        ("chỉ số PAR INDEX xếp thứ mấy?", "Chỉ số PARINDEX xếp thứ 3/63.", 1.0),  # written with or without the space
        ("chỉ số PAR INDEX xếp thứ mấy?", "Chỉ số PAR INDEX xếp thứ 3/63.", 1.0),
        ("chỉ số PAR INDEX xếp thứ mấy?", "Chỉ số PAPI xếp thứ 12/63.", 0.0),
    ],
)
def test_two_words_written_as_one(question, text, coverage):
    query = read_query(question)
    idf = {"par": 3.0, "index": 3.0, "chi": 0.0001, "so": 0.0001, "xep": 0.0001, "thu": 0.0001}
    terms = [t for t in question_terms(query, idf, 3.0) if t.word in {"par", "index"}]
    assert features(query, [_ev(text)], terms)["coverage"] == pytest.approx(coverage)


@pytest.mark.parametrize(
    ("question", "text", "held"),
    [
        # a fraction holds its whole and its part: no month is over 12
        ("papi xếp thứ mấy trên 63 tỉnh", "Chỉ số PAPI xếp thứ 12/63 tỉnh, thành phố.", True),
        ("bao nhiêu trong 277 tổ chức cơ sở đảng", "đã củng cố xong 251/277 TCCSĐ yếu kém.", True),
        # a day and month is no fraction: "9" is not held by "20/9"
        ("hạn nộp là ngày 9", "Gửi báo cáo trước ngày 20/9.", False),
        ("quý 3 năm 2024", "Hoàn thành trong quý 3/2024.", True),  # a quarter and its year, as before
    ],
)
def test_a_fractions_parts_are_held(question, text, held):
    query = read_query(question)
    number = next(t for t in question_terms(query, {}, 3.0) if t.word.isdigit() and len(t.word) < 4)
    assert features(query, [_ev(text)], [number])["coverage"] == pytest.approx(1.0 if held else 0.0)


# ---- what the typed answer line found, as the decision reads it ----------------------------------
@pytest.mark.parametrize(
    ("question", "text", "typed", "expected"),
    [
        # the line found no figure: missing, and a figure's missing
        ("năm 2025 phát hiện bao nhiêu vụ?", "Năm 2025 tội phạm giảm.", ("figure", True, "", None),
         {"line_missing": 1.0, "figure_line_missing": 1.0, "line_numbers_missing": 0.0}),
        # no date found: missing, not a figure's
        ("hạn nộp báo cáo là ngày nào?", "Các đơn vị nộp báo cáo.", ("deadline", True, "", None),
         {"line_missing": 1.0, "figure_line_missing": 0.0}),
        # a span found, in a sentence of another year than the question's
        ("hạn nộp báo cáo năm 2025 là ngày nào?", "Nộp báo cáo năm 2024 trước ngày 20/9/2024.",
         ("deadline", False, "Nộp báo cáo năm 2024 trước ngày 20/9/2024.", 0),
         {"line_missing": 0.0, "line_numbers_missing": 1.0}),
        # ... of the question's year: held
        ("hạn nộp báo cáo năm 2025 là ngày nào?", "Nộp báo cáo năm 2025 trước ngày 20/9/2025.",
         ("deadline", False, "Nộp báo cáo năm 2025 trước ngày 20/9/2025.", 0),
         {"line_numbers_missing": 0.0}),
    ],
)
def test_line_features(question, text, typed, expected):
    from index.answer.evidence import Typed

    query = read_query(question)
    f = features(query, [_ev(text)], question_terms(query, IDF, unknown_idf=7.0), Typed(*typed))
    for key, value in expected.items():
        assert f[key] == pytest.approx(value), key


@pytest.mark.parametrize(
    ("text", "gap"),
    [
        # a list item is read under its lead-in: the year is written once, where the list opens
        ("Các Chỉ số năm 2022 đã từng bước được cải thiện:\nChỉ số PAPI xếp thứ 12/63 tỉnh;", 0.0),
        ("Các Chỉ số năm 2022 được cải thiện:\nChỉ số SIPAS đạt 80%;\nChỉ số PAPI xếp thứ 12/63 tỉnh;", 0.0),
        # a line that opens no list lends nothing: "năm 2022" is no lead-in of what follows it
        ("Các Chỉ số năm 2022 đã từng bước được cải thiện.\nChỉ số PAPI xếp thứ 12/63 tỉnh;", None),
    ],
)
def test_a_list_item_is_read_under_its_lead_in(text, gap):
    query = read_query("PAPI năm 2022 xếp thứ mấy?")
    f = features(query, [_ev(text)], question_terms(query, IDF, unknown_idf=7.0))
    if gap is None:
        assert f["closed_gap"] > 0.0
    else:
        assert f["closed_gap"] == pytest.approx(gap)


@pytest.mark.parametrize(
    ("question", "text", "pairs"),
    [
        # pairs of words typed side by side; none across a function word ("viên bị kỷ": no "vien ky")
        ("đảng viên bị kỷ luật bao nhiêu", "Kỷ luật 2.377 đảng viên.", 1.0),
        ("dang vien bi ky luat bao nhieu", "Thi hành kỷ luật đối với 2.377 đảng viên.", 1.0),
        ("đảng viên bị kỷ luật bao nhiêu", "Kết nạp 2.377 đảng viên.", 0.0),
        # a final i written y: "bác sỹ" holds "bác sĩ" (2 of the 5 pairs: "bac si", "van dan")
        ("bao nhieu bac si tren 1 van dan", "Số bác sỹ/vạn dân: 15;", 0.4),
        ("bao nhieu bac si tren 1 van dan", "Số bác sĩ/vạn dân: 15;", 0.4),
    ],
)
def test_pair_coverage_reads_the_pairs_as_typed(question, text, pairs):
    query = read_query(question)
    f = features(query, [_ev(text)], question_terms(query, IDF, unknown_idf=7.0))
    assert f["pair_coverage"] == pytest.approx(pairs)


@pytest.mark.parametrize(
    ("question", "text", "held"),
    [
        ("số bác sĩ trên vạn dân", "Số bác sỹ/vạn dân: 15;", True),
        ("số bác sỹ trên vạn dân", "Số bác sĩ/vạn dân: 15;", True),
        ("lý do chậm tiến độ", "Lí do: thiếu vốn.", True),
        ("công tác bầu cử", "Công tác bảo vệ.", False),  # "cu" is no "cy"; only a final y after a consonant
    ],
)
def test_a_final_i_is_held_as_y(question, text, held):
    query = read_query(question)
    word = next(t for t in question_terms(query, IDF, 7.0) if t.word in {"si", "sy", "ly", "cu"})
    assert (features(query, [_ev(text)], [word])["coverage"] == 1.0) is held


def test_a_year_in_the_headings_holds_for_the_line():
    """The line's sentence stands under its passage's section path: a year there is held."""
    from index.answer.evidence import Typed

    query = read_query("hạn nộp báo cáo năm 2025 là ngày nào?")
    text = "Nộp báo cáo trước ngày 20/9."
    under = Evidence(text=text, index_text=normalize("Kế hoạch | II. NHIỆM VỤ NĂM 2025 | " + text))
    f = features(query, [under], question_terms(query, IDF, 7.0), Typed("deadline", False, text, 0))
    assert f["line_numbers_missing"] == 0.0
    assert features(query, [under], question_terms(query, IDF, 7.0))["line_missing"] == 0.0  # no line: 0


@pytest.mark.parametrize(
    ("question", "typed", "guard"),
    [
        ("năm 2025 phát hiện bao nhiêu vụ?", ("figure", True), "no_figure"),  # a figure asked, none found
        ("năm 2025 phát hiện bao nhiêu vụ?", ("figure", False), None),
        ("bí thư mấy quận có phải đi dự hội nghị không?", ("figure", True), None),  # asks yes or no
        ("hạn nộp báo cáo là ngày nào?", ("deadline", True), "no_date"),  # a date asked, none found
        ("hội nghị họp ngày nào?", ("date", True), "no_date"),
        ("hội nghị họp ngày nào?", ("date", False), None),
        ("hội nghị có họp trong năm nay không?", ("date", True), None),  # asks yes or no
        # a signer, a person by name or a place asked, and the line found none
        ("chương trình 01 do đồng chí nào ký?", ("sign", True), "no_signer_person_place"),
        ("hội nghị tổ chức ở đâu?", ("place", True), "no_signer_person_place"),
        ("hội nghị tổ chức ở đâu?", ("place", False), None),
        ("đơn vị nào phối hợp?", ("unit", True), None),  # a unit is named in too many ways
        # a deadline answered by a date with no deadline cue (a meeting's date): not a due date
        ("hạn hoàn thành giải phóng mặt bằng là khi nào?", ("deadline", False, "Ngày 21/4/2026, họp.", 0, True),
         "uncued_deadline"),
        ("hạn hoàn thành giải phóng mặt bằng là khi nào?", ("deadline", False, "Trước ngày 30/6/2026.", 0, False),
         None),
    ],
)
def test_guards(question, typed, guard):
    from index.answer import evidence

    model = _model({}, bias=5.0, threshold=0.5)  # a model that would always answer
    passages = [_ev("Năm 2025 tội phạm giảm so với năm trước; hội nghị tổng kết.")]
    d = decide(read_query(question), passages, IDF, model, unknown_idf=7.0, typed=evidence.Typed(*typed))
    assert [g.__name__ for g in evidence.GUARDS if g(d.features)] == ([guard] if guard else [])
    assert d.abstain is bool(guard)


# ---- short forms, a list's lead-in, and the guards of this round ------------------------------------
@pytest.mark.parametrize(
    ("word", "text", "held"),
    [
        ("dv", "toàn Đảng bộ kết nạp 31.706 đảng viên mới", True),  # initials of the words it stands for
        ("dv", "các đơn vị gửi báo cáo", True),  # whichever words the passage writes
        ("tccsd", "tổ chức cơ sở đảng đạt trong sạch, vững mạnh", True),
        ("nk", "đảng viên mới kết nạp", False),
        ("ba", "bộ an ninh", False),  # a syllable with a vowel is a word, never a short form
    ],
)
def test_a_short_form_is_held_by_the_words_it_abbreviates(word, text, held):
    query = read_query(word)
    f = features(query, [_ev(text)], question_terms(query, {}, unknown_idf=2.0))  # the word alone, specific
    assert f["specific_missing"] == (0.0 if held else 1.0)


LISTED = (
    "1.2. Nâng cao hiệu lực\n"
    "Các Chỉ số năm 2022 đã từng bước được cải thiện: Chỉ số PAR INDEX xếp thứ 3/63;\n"
    "Chỉ số SIPAS đạt 80,16%;\n"
    "Chỉ số PAPI xếp thứ 12/63."
)


@pytest.mark.parametrize(
    ("sentence", "lines"),
    [
        ("Chỉ số PAPI xếp thứ 12/63.", 3),  # its line, the item before it, and the lead-in with the colon
        ("Chỉ số SIPAS đạt 80,16%;", 2),
        ("1.2. Nâng cao hiệu lực", 1),  # not in a list
        ("a sentence the passage does not hold", 1),
    ],
)
def test_lead_in(sentence, lines):
    from index.answer.evidence import lead_in

    out = lead_in(LISTED, sentence)
    assert len(out) == lines and sentence in out[0]


@pytest.mark.parametrize(
    ("question", "line", "another_year"),
    [
        ("chỉ số SIPAS năm 2022 đạt bao nhiêu", "Chỉ số SIPAS đạt 80,16%;", False),  # the year in the lead-in
        ("chỉ số SIPAS năm 2023 đạt bao nhiêu", "Chỉ số SIPAS đạt 80,16%;", True),
        ("tăng trưởng giai đoạn 2021-2025 là bao nhiêu", "Bình quân giai đoạn 2021 - 2025 đạt 7,5%", False),
        ("tăng trưởng năm 2021-2025 là bao nhiêu", "Tăng trưởng năm 2021 đạt 2,92%", False),  # one end is enough
        ("chỉ số SIPAS đạt bao nhiêu", "Chỉ số SIPAS đạt 80,16%;", False),  # no year asked
    ],
)
def test_figure_of_another_year(question, line, another_year):
    from index.answer.evidence import Typed, figure_of_another_year

    query = read_query(question)
    passages = [_ev(LISTED if line in LISTED else line)]
    terms = question_terms(query, {}, 2.0)
    f = features(query, passages, terms, Typed("figure", sentence=line, source=0))
    assert figure_of_another_year(f) is another_year


def test_unheld_paper_guard_abstains_whatever_the_model_says():
    from index.ingest.metadata import DocMeta
    from index.retrieval.scope import cited_in, doc_name, known_papers

    names = [doc_name("cv", DocMeta("Công văn về nhiệm vụ", "1021-CV/TU", None, "2024-01-06"))]
    papers = known_papers(names, cited_in(["Kế hoạch số 134-KH/TU"]))
    query = read_query("ke hoach 200-KH/TU noi dung chinh la gi", names, papers=papers)
    model = _model({}, bias=5.0, threshold=0.5)  # a model that would always answer
    d = decide(query, [_ev("Kế hoạch số 134-KH/TU về chuyển đổi số")], {"ke": 1.0}, model, unknown_idf=2.0)
    assert query.unheld and d.abstain


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("bao nhiêu đảng viên đã cài Sổ tay", ("dang", "vien")),  # "đảng" folded is "đang"'s spelling
        ("đã ủy quyền bao nhiêu thủ tục hành chính?", ("thu", "tuc", "hanh", "chinh")),
        ("góp tối đa bao nhiêu vốn vào một quỹ", ("von",)),
        ("bao nhieu bac si tren 1 van dan", ("bac", "si")),
        ("có bao nhiêu người", ("nguoi",)),  # the first word is always the noun
        ("trong đó có bao nhiêu thông báo", ("thong", "bao")),  # "báo" folded is "bao"'s spelling
        ("bao nhiêu đảng viên bao nhiêu tổ chức", ("dang", "vien")),
        ("tỷ lệ là bao nhiêu?", ()),
        ("bao nhiêu phần trăm cử tri", ()),
    ],
)
def test_the_counted_noun_is_read_once_into_the_query(question, counted):
    assert read_query(question).counted == counted


@pytest.mark.parametrize(
    ("words", "forms"),
    [
        (("thu", "tuc", "hanh", "chinh"), {"tth", "tthc"}),
        (("dang", "vien"), {"dv"}),  # two words: only when they are the whole noun
        (("to", "chuc", "co", "so", "dang"), {"tcc", "tccs", "tccsd"}),
        (("von",), set()),
    ],
)
def test_short_forms_of_a_noun_spelled_out(words, forms):
    assert short_forms(words) == forms


# ---- a cause asked ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "cause"),
    [
        ("vì sao PAPI năm 2022 giảm 3 bậc", True),
        ("tai sao giam chi cuc thuy loi", True),  # typed without diacritics
        ("nguyên nhân của hạn chế là do đâu", True),
        ("chương trình dựa vào đâu mà chọn mức chỉ tiêu này", True),
        ("lý do hoãn hội nghị", True),
        ("tại đâu tổ chức hội nghị", False),  # "tại đâu" asks a place, not "tại sao"
        ("hội nghị tổ chức khi nào", False),
        ("do ai chủ trì", False),  # "do ai": by whom
    ],
)
def test_a_cause_asked_is_read_into_the_query(question, cause):
    assert read_query(question).cause is cause


PAPI = "Chỉ số PAPI năm 2022 xếp thứ 12/63 tỉnh, thành phố (giảm 3 bậc so với năm 2021)."


@pytest.mark.parametrize(
    ("question", "lines", "unstated"),
    [
        # the lines that carry the question state the fact, not its cause
        ("vì sao PAPI năm 2022 giảm 3 bậc", [PAPI], True),
        ("vi sao hoi nghi tong ket to chuc vao quy IV/2024", ["Thời gian tổ chức hội nghị: Quý IV/2024."], True),
        # ... a connective in the line that carries it: the cause is stated
        ("vì sao PAPI năm 2022 giảm 3 bậc", [PAPI[:-1] + ", do chưa cải thiện thủ tục."], False),
        ("vì sao giảm chi cục thủy lợi", ["Giảm Chi cục Thủy lợi do sáp nhập vào Chi cục Phòng chống thiên tai."],
         False),
        ("dựa vào đâu xây dựng 10 chương trình", ["Căn cứ Nghị quyết Đại hội, xây dựng 10 Chương trình."], False),
        ("vì sao ban hành kế hoạch tổng kết", ["Thực hiện Kế hoạch số 05-KH/TBVK, ban hành Kế hoạch tổng kết."], False),
        # a connective only in a line that carries less of the question does not state it
        ("vì sao PAPI năm 2022 giảm 3 bậc", [PAPI, "Để cải thiện chỉ số, cần rà soát."], True),
        # no cause asked: the feature stays 0
        ("PAPI năm 2022 xếp thứ mấy", [PAPI], False),
    ],
)
def test_cause_unstated(question, lines, unstated):
    from index.answer.evidence import unstated_cause

    query = read_query(question)
    f = features(query, [_ev("\n".join(lines))], question_terms(query, {}, 2.0))
    assert unstated_cause(f) is unstated
    if unstated:  # a guard: it abstains whatever the model says
        model = _model({}, bias=5.0, threshold=0.5)
        assert decide(query, [_ev("\n".join(lines))], {}, model, unknown_idf=2.0).abstain


def test_a_footnote_stands_under_the_line_that_calls_it():
    from index.answer.evidence import lead_in

    text = "kết nạp hội viên năm 2025 đối với 80 người²⁷\n²⁷ Trong đó: nữ 30 người; trẻ 25 người"
    out = lead_in(text, "²⁷ Trong đó: nữ 30 người; trẻ 25 người")
    assert out == ["²⁷ Trong đó: nữ 30 người; trẻ 25 người", "kết nạp hội viên năm 2025 đối với 80 người²⁷"]
    assert lead_in("Không có chú thích\nDòng hai", "Dòng hai") == ["Dòng hai"]
