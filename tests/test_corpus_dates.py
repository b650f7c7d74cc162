"""Dates read from the articles' texts (mekong.dates): formats, rejections, the choice between
stamps and mentions, years for a day and month, read_corpus and the CLI filling dates, hostile input.

Every expected date below was written by hand from the text beside it."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mekong
from mekong import dates as md
from mekong.corpus import _date_text

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
HOLDOUT4 = ROOT / "benchmarks" / "events-holdout4"

# (text, the date, how it is found) -- several outlets' stamp styles, Vietnamese and English.
FORMATS = [
    ("Thứ Hai, 12/11/2024 14:30 (GMT+7)", D(2024, 11, 12), "stamp"),  # VnExpress
    ("Thứ hai, 12/11/2024 - 08:15", D(2024, 11, 12), "stamp"),  # Dân Trí
    ("12/11/2024 08:15 GMT+7", D(2024, 11, 12), "stamp"),  # Tuổi Trẻ
    ("08/10/2026 18:40 GMT+07:00", D(2026, 10, 8), "stamp"),  # Thanh Niên
    ("Cập nhật: 12-11-2024", D(2024, 11, 12), "stamp"),
    ("Ngày đăng: 05.03.2025", D(2025, 3, 5), "stamp"),
    ("Chủ nhật, 1/6/2025, 21:05", D(2025, 6, 1), "stamp"),
    ("12/11/2024", D(2024, 11, 12), "stamp"),  # a dateline alone on its line
    ("12 - 11 - 2024 | 09:00", D(2024, 11, 12), "stamp"),
    ("12/11/24 09:00", D(2024, 11, 12), "stamp"),  # two-digit year
    ("01/02/99 08:00", D(1999, 2, 1), "stamp"),
    ("11/25/2024 10:00", D(2024, 11, 25), "stamp"),  # 25 cannot be a month: read month first
    ("2025-03-07T08:00:00+07:00", D(2025, 3, 7), "stamp"),  # ISO
    ("Nov 12, 2024", D(2024, 11, 12), "stamp"),
    ("Published: November 2nd, 2024 10:30", D(2024, 11, 2), "stamp"),
    ("Posted 12 Sep 2025", D(2025, 9, 12), "stamp"),
    ("October 8, 2026 | 04:20 pm GMT+7", D(2026, 10, 8), "stamp"),
    ("Hà Nội, ngày 12 tháng 11 năm 2024, Sở Y tế công bố kết quả kiểm tra an toàn thực phẩm.", D(2024, 11, 12), "full"),
    (
        "Ngày 12/11/2024, UBND tỉnh họp bàn kế hoạch phòng chống thiên tai cùng các sở, ngành liên quan.",
        D(2024, 11, 12),
        "full",
    ),
    ("29/02/2024 10:00", D(2024, 2, 29), "stamp"),  # a leap day
]


@pytest.mark.parametrize("text, want, kind", FORMATS)
def test_formats(text, want, kind):
    assert md.publication_date(text) == (want, kind)


# Day and month after a time word: the year comes from elsewhere.
DAY_MONTH = [
    ("Sáng 8/5, lửa bùng lên ở chợ.", (8, 5)),
    ("Khoảng 14h ngày 10/11, tại bản Hua ...", (10, 11)),
    ("Rạng sáng 14/9, lũ quét ...", (14, 9)),
    ("Thời tiết hôm nay (05/7): mưa giông", (5, 7)),
    ("Đêm 13-9, nước dâng", (13, 9)),
    ("Ngày 8 tháng 5, hội nghị ...", (8, 5)),
    # A dot between day and month after a time word: several papers' style ("Chiều 21.5, TAND ...").
    ("Chiều 21.5, TAND TP.HCM tuyên án ...", (21, 5)),
    ("Rạng sáng 5.3, chiếc xe giường nằm ...", (5, 3)),
    ("Kỳ điều hành ngày 15.1, giá xăng giảm", (15, 1)),
    # The news agency's dateline and a trading session.
    ("Hà Nội (TTXVN 15/9) - Theo Văn phòng ...", (15, 9)),
    ("Phiên 12/1, giá robusta chốt ở 5.620 USD/tấn", (12, 1)),
]


@pytest.mark.parametrize("text, want", DAY_MONTH)
def test_day_and_month_after_a_time_word(text, want):
    found = md.find_dates(text)
    assert [(m.day, m.month, m.kind, m.date) for m in found] == [want + ("day-month", None)]
    assert md.publication_date(text, reference=D(2026, 11, 30)) == (D(2026, want[1], want[0]), "day-month")


REJECTED = [
    "31/02/2024 08:00",  # no such day
    "29/02/2023 08:00",  # not a leap year
    "00/05/2024 08:00",
    "13/13/2024 08:00",
    "32/1/2024 08:00",
    "1/1/1850 08:00",  # outside 1970-2100
    "5/5/2999 08:00",
    "Tỷ số 2/1 nghiêng về đội khách.",  # a score, no time word
    "Giảm 1/3 số phiếu, căn hộ 12/4 đường Lê Lợi.",  # a fraction, an address
    "Giá 1.100.000 đồng, tăng 3.5 điểm, phiên bản 1.2.3.",
    "Tăng từ 7.5 đến 8.5 điểm",  # a dot after "từ"/"đến" (not a time word): decimals, not days
    "Thời gian thông quan kéo dài tới 7-10 ngày.",  # a range of days, not the 7th of October
    "Giảm 3.5 tháng này",
    "Gọi 0912.345.678 hoặc 024-3825-1234",
    "Kế hoạch giai đoạn 2022- 2027, năm 2015 hai tỉnh ký",  # years alone are not days
    "Sáng 31/2, ...",  # no such day in any year
]


@pytest.mark.parametrize("text", REJECTED)
def test_implausible_dates_and_numbers_are_rejected(text):
    assert md.find_dates(text) == []
    assert md.publication_date(text) == (None, None)


def test_a_stamp_beats_an_earlier_mention_and_the_lead_beats_the_footer():
    text = (
        "Sáng 11/11, xe khách lật ở đèo.\nThứ Ba, 12/11/2024 - 08:15\n" + "x " * 3000 + "\nTin liên quan (01/07/2025)"
    )
    assert md.publication_date(text) == (D(2024, 11, 12), "stamp")
    # No stamp: the lead's first full date, not a deadline further down nor a related headline at the end.
    body = "Ngày 3/3/2025, tỉnh khởi công cầu mới dài 2 km qua sông.\n" + "chữ " * 1500 + "hoàn thành trước 30/6/2027."
    page = body + "\n" + "Tin khác " * 400 + "\nTừ ngày 01/7/2025: Chính thức bỏ thuế khoán"
    assert md.publication_date(page) == (D(2025, 3, 3), "full")
    # A full date only in the footer and not a stamp: no date (related headlines carry other days).
    footer_only = (
        "Bài viết không nêu ngày.\n" + "chữ " * 2000 + "\nTừ ngày 01/7/2025: Chính thức bỏ thuế khoán mà tăng thuế"
    )
    assert md.publication_date(footer_only) == (None, None)


def test_a_site_clock_in_the_header_is_not_the_publication_date():
    page = (
        "Hôm nay: Thứ Hai, 30/11/2026 | Đăng nhập | Đăng ký\nXe khách lật\nThứ Sáu, 06/11/2026 - 09:10\nSáng 6/11, ..."
    )
    assert md.publication_date(page) == (D(2026, 11, 6), "stamp")
    assert md.publication_date("Today: Monday, Nov 30, 2026\nNo date here.") == (None, None)
    # A lead's "hôm nay (05/7)" stays a day and month; only a labelled clock is dropped.
    assert [(m.day, m.month) for m in md.find_dates("Hôm nay (05/7), mưa lớn ở Hà Nội.")] == [(5, 7)]


# Header bars of "|" cells with the weather or the account and contact links: the full date in them is
# the day the page was read (30/11/2026), not when the article was written (6/11/2026).
HEADER_BARS = [
    "Hà Nội 24°C | Thứ Hai, 30/11/2026 | Đăng nhập | Đăng ký",
    "Thứ Hai, 30/11/2026 | TP.HCM 31℃",
    "30/11/2026 | Liên hệ | Quảng cáo | RSS",
    "Đà Nẵng 27 ºC | 30-11-2026 07:45 | Hotline: 0909 123 456",
    "Monday, Nov 30, 2026 | Vientiane 82°F | Login | Sign up",
    "| 30/11/2026 | đăng   xuất |",
]


@pytest.mark.parametrize("bar", HEADER_BARS)
def test_a_header_bar_with_weather_or_account_links_is_the_sites_clock(bar):
    assert md.find_dates(bar) == []
    page = bar + "\nXe khách lật trên đèo\nThứ Sáu, 06/11/2026 - 09:10\nSáng 6/11, xe khách ..."
    assert md.publication_date(page) == (D(2026, 11, 6), "stamp")
    # Nor is it the lead's full date, nor the year of the lead's day and month.
    lead = bar + "\nNgày 5/11/2026, tỉnh khởi công cầu mới."
    assert md.publication_date(lead) == (D(2026, 11, 5), "full")
    dm = bar + "\nSáng 6/11, xe khách lật trên đèo."
    assert md.publication_date(dm, reference=D(2027, 3, 1)) == (D(2026, 11, 6), "day-month")
    assert md.publication_date(dm, reference=D(2026, 11, 1)) == (D(2025, 11, 6), "day-month")


# Stamp lines with "|" cells but no weather or account links: still stamps.
PIPED_STAMPS = [
    ("Thời sự | Thứ Ba, 12/11/2024 - 08:15 | Chia sẻ", D(2024, 11, 12)),
    ("Thứ Hai, 12/11/2024 | 14:30 GMT+7", D(2024, 11, 12)),
    ("12/11/2024 | 09:00", D(2024, 11, 12)),
    ("Published: Nov 12, 2024 | 10:30", D(2024, 11, 12)),
]


@pytest.mark.parametrize("line, want", PIPED_STAMPS)
def test_a_stamp_line_with_cells_but_no_weather_or_links_is_a_stamp(line, want):
    assert md.publication_date("Tin mới\n" + line + "\nSáng 11/11, ...") == (want, "stamp")
    # A temperature or a link word elsewhere on the page, not on the stamp's line, changes nothing.
    page = "Hà Nội 24°C | Đăng nhập\n" + line + "\nNhiệt độ 24°C, liên hệ 1900 1234."
    assert md.publication_date(page) == (want, "stamp")
    # A header bar without "|" cells is no header bar: "Hà Nội 24°C" beside the stamp keeps it.
    assert md.publication_date(line.replace("|", " ") + " Hà Nội 24°C") == (want, "stamp")


def test_year_of_a_day_and_month_from_the_article_then_the_collection_then_the_reference():
    # The article's own full date: 30/12 lies next to 2/1/2026, so it is 2025.
    assert md.publication_date("Sáng 30/12, rét đậm. Đợt rét kéo dài đến hết ngày 2/1/2026 theo dự báo")[0] == D(
        2025, 12, 30
    )
    # The collection: the year nearest the median of the other articles' dates.
    dates, how = md.text_dates(["Thứ Ba, 12/11/2024 - 08:15\nBão", "Sáng 13/11, bão", "Sáng 2/1, rét", "Không ngày"])
    assert dates == [D(2024, 11, 12), D(2024, 11, 13), D(2025, 1, 2), None]
    assert how == ["stamp", "day-month", "day-month", None]
    # No year anywhere: the most recent such day on or before the reference.
    dates, how = md.text_dates(["Sáng 8/5, cháy chợ", "Chiều 8/7, lũ", "Sáng 29/2, ..."], reference=D(2026, 6, 1))
    assert dates == [D(2026, 5, 8), D(2025, 7, 8), D(2024, 2, 29)]


def test_year_of_a_day_and_month_from_a_dated_article_of_the_same_days():
    # Regression (benchmarks/events): the median of a collection spanning two years put "Sáng 19/8"
    # in 2025 while another outlet's version of the event dates itself "ngày 20/8/2026" (its lead's
    # day and month take that year), so the two versions lay a year apart.
    texts = [
        "Thứ Hai, 10/3/2025 08:00\nTin A",
        "Thứ Ba, 11/3/2025 08:00\nTin B",
        "Thứ Tư, 12/3/2025 08:00\nTin C",
        "Sáng 20/8, cao tốc thông xe ... khánh thành ngày 20/8/2026 theo kế hoạch",
        "Sáng 19/8, cao tốc được đưa vào khai thác",
        "Sáng 2/3, hội nghị",  # no dated article near 2/3: the median's year, as before
    ]
    dates, how = md.text_dates(texts)
    assert dates[3:] == [D(2026, 8, 20), D(2026, 8, 19), D(2025, 3, 2)]
    assert how[3:] == ["day-month"] * 3
    # Without the article that gives 2026, 19/8 takes the median's year (the rule above can fail).
    assert md.text_dates(texts[:3] + texts[4:])[0][3] == D(2025, 8, 19)
    # A dated article more than NEAR_DAYS away does not move it (regression: with a week, an unrelated
    # article of 24/2/2024 in the bundled sample moved another's "ngày 17/2" of 2025 to 2024).
    far = texts[:3] + ["Sáng 16/8, ... ngày 16/8/2026", texts[4]]
    assert md.NEAR_DAYS == 2 and md.text_dates(far)[0][4] == D(2025, 8, 19)
    # Nor does one in another year when the median's year has a dated article that close too.
    both = texts[:3] + ["Thứ Hai, 18/8/2025 08:00\nTin D", "Sáng 20/8, ... ngày 20/8/2026", texts[4]]
    assert md.text_dates(both)[0][5] == D(2025, 8, 19)


def _nearest_year_not_after(day, month, median, reference, days):
    """Independent of the module: every year from 1970 to 2100, those within a year and a half of the
    median and not more than ``days`` after the reference, the nearest the median."""
    found = []
    for y in range(1970, 2101):
        try:
            d = D(y, month, day)
        except ValueError:
            continue
        if abs((d - median).days) <= 548 and (d - reference).days <= days:
            found.append(d)
    return min(found, key=lambda d: abs((d - median).days), default=None)


def test_year_of_a_day_and_month_from_the_median_is_not_after_the_reading_day():
    # A collection of late December (median 22/12/2026) read on 24/12/2026: "Sáng 5/1" is the January
    # just past, not the next (12 days in the future of the day it is read).
    late = ["Thứ Hai, 21/12/2026 08:00\nTin A", "Thứ Ba, 22/12/2026 08:00\nTin B", "Thứ Tư, 23/12/2026 08:00\nTin C"]
    texts = late + ["Sáng 5/1, rét đậm", "Sáng 20/12, bão", "Sáng 25/12, lễ hội"]
    dates, how = md.text_dates(texts, reference=D(2026, 12, 24))
    assert dates[3:] == [D(2026, 1, 5), D(2026, 12, 20), D(2026, 12, 25)]
    assert how[3:] == ["day-month"] * 3
    # Read on 10/1/2027 the next January is past too, and nearest the median; as before the rule.
    assert md.text_dates(texts, reference=D(2027, 1, 10))[0][3] == D(2027, 1, 5)
    # FUTURE_DAYS after the reading day still counts, one more does not.
    assert md.FUTURE_DAYS == 2
    assert md.text_dates(texts, reference=D(2027, 1, 3))[0][3] == D(2027, 1, 5)
    assert md.text_dates(texts, reference=D(2027, 1, 2))[0][3] == D(2026, 1, 5)
    # 28/12 six days after a reading day of 22/12 is the year before's, though the next is nearer.
    assert md.text_dates(late + ["Sáng 28/12, tin"], reference=D(2026, 12, 22))[0][3] == D(2025, 12, 28)
    # 25/12 there is next to the stamp of 23/12/2026: the dated article's year (NEAR_DAYS) still wins.
    assert md.text_dates(texts, reference=D(2026, 12, 22))[0][5] == D(2026, 12, 25)
    # No year qualifies (a reading day long before the collection): the year nearest the median.
    assert md.text_dates(texts, reference=D(2020, 1, 1))[0][3:] == [D(2027, 1, 5), D(2026, 12, 20), D(2026, 12, 25)]
    # The same against an independent search over every year, for days across the year (none within
    # NEAR_DAYS of the stamps) and reading days.
    for reference in (D(2026, 12, 22), D(2026, 12, 24), D(2027, 1, 2), D(2027, 1, 3), D(2027, 2, 1), D(2026, 6, 1)):
        for day, month in ((5, 1), (2, 1), (15, 12), (28, 12), (30, 6), (1, 3), (28, 2)):
            got = md.text_dates(late + [f"Sáng {day}/{month}, tin"], reference=reference)[0][3]
            want = _nearest_year_not_after(day, month, D(2026, 12, 22), reference, md.FUTURE_DAYS)
            if want is None:
                want = _nearest_year_not_after(day, month, D(2026, 12, 22), D(2100, 12, 31), 0)
            assert got == want, (day, month, reference)


def test_the_reading_day_bound_leaves_the_other_rules_alone():
    late = ["Thứ Hai, 21/12/2026 08:00\nTin A", "Thứ Ba, 22/12/2026 08:00\nTin B", "Thứ Tư, 23/12/2026 08:00\nTin C"]
    ref = D(2026, 12, 24)
    # The article's own full date gives the year, even in the future of the reading day.
    assert md.text_dates(late + ["Sáng 5/1, rét. Đợt rét kéo dài đến hết ngày 8/1/2027"], reference=ref)[0][3] == D(
        2027, 1, 5
    )
    # Another article's date within NEAR_DAYS gives it when the bounded median's year has none that close.
    near = late + ["Sáng 6/1, ... khai mạc ngày 6/1/2027 theo kế hoạch", "Sáng 5/1, hội chợ"]
    assert md.text_dates(near, reference=ref)[0][3:] == [D(2027, 1, 6), D(2027, 1, 5)]
    # No year in the collection: the most recent such day on or before the reference, as before.
    assert md.text_dates(["Sáng 5/1, rét", "Sáng 25/12, lễ hội"], reference=ref)[0] == [D(2026, 1, 5), D(2025, 12, 25)]
    # A datetime reference is read as its day.
    assert md.text_dates(late + ["Sáng 5/1, rét"], reference=dt.datetime(2026, 12, 24, 23, 59))[0][3] == D(2026, 1, 5)


def test_a_leap_day_without_a_leap_year_near_the_median_gives_no_date():
    # Regression: with dated articles in the collection, "Sáng 29/2" and a median in 2026 (2025, 2026
    # and 2027 have no 29 February) raised AttributeError instead of leaving the article undated.
    texts = ["Thứ Hai, 12/1/2026 08:00\nTin A", "Sáng 29/2, ...", "Sáng 28/2, ..."]
    dates, how = md.text_dates(texts, reference=D(2026, 3, 1))
    assert dates == [D(2026, 1, 12), None, D(2026, 2, 28)]
    assert how == ["stamp", None, "day-month"]
    # Near a leap year's median it is that year's.
    assert md.text_dates(["Thứ Hai, 12/1/2028 08:00\nTin A", texts[1]], reference=D(2028, 3, 1))[0][1] == D(2028, 2, 29)


def test_bad_input_types():
    with pytest.raises(TypeError, match="must be str"):
        md.find_dates(b"12/11/2024")
    with pytest.raises(TypeError, match="not one string"):
        md.text_dates("12/11/2024")
    assert md.text_dates([]) == ([], [])
    assert md.publication_date("") == (None, None)


def test_hostile_inputs_cost_what_an_article_costs():
    # Only the head and the tail are read: a date in the middle of a huge document is not seen,
    # and runs of digits and separators take bounded time (generous bound: this test is about time).
    huge = "chữ " * 2_000_000 + "Thứ Hai, 12/11/2024 14:30" + " chữ" * 2_000_000
    digits = "1" * 5_000_000 + "/" + "2" * 5_000_000
    slashes = "1/" * 3_000_000
    t0 = time.process_time()
    assert md.find_dates(huge) == []
    assert md.find_dates(digits) == []
    assert [m.kind for m in md.find_dates("Sáng " + slashes)] == []
    assert time.process_time() - t0 < 5.0
    head = "Thứ Hai, 12/11/2024 14:30\n"
    assert md.publication_date(head + "9" * 10_000_000) == (D(2024, 11, 12), "stamp")


def test_date_text_reads_the_head_and_the_tail_of_a_huge_file(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("Thứ Hai, 12/11/2024 14:30\n" + "chữ ỹ " * 1_000_000 + "\n© 2024 Báo X", encoding="utf-8")
    text = _date_text(f, "utf-8")
    assert len(text) == md.HEAD_CHARS + md.TAIL_CHARS and text.endswith("© 2024 Báo X")
    assert md.publication_date(text) == md.publication_date(f.read_text(encoding="utf-8"))


def _col(frame, name):
    """A column as a list, missing values (None or NaN, as pandas stores them) as None."""
    return [v if isinstance(v, str) else None for v in frame[name]]


def _write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_read_corpus_fills_dates_from_the_texts_and_says_where_they_came_from(tmp_path):
    _write(
        tmp_path / "news",
        {
            "a.txt": "Bão số 3 đổ bộ\n\nThứ Hai, 8/9/2025, 07:00 (GMT+7)\n\nSáng 7/9, bão số 3 ...",
            "b.txt": "Bão số 3 gây mưa lớn\n\nTTO - Chiều 8/9, mưa lớn ...",
            "c.txt": "Nhận định về mùa mưa bão\n\nBài phân tích không nêu ngày.",
            "d.txt": "Tin ngắn\n\nNgày 9/9/2025, tỉnh họp bàn khắc phục hậu quả của cơn bão số 3 vừa qua ở ven biển.",
        },
    )
    texts, meta = mekong.read_corpus(tmp_path / "news")
    assert _col(meta, "date") == ["2025-09-08", "2025-09-08", None, "2025-09-09"]
    assert _col(meta, "date_source") == ["text:stamp", "text:day-month", None, "text:full"]
    assert list(meta.columns[:6]) == ["id", "path", "title", "date", "source", "date_source"]
    # Metadata dates are kept and counted for the year of a day and month; the rest comes from the texts.
    meta_csv = tmp_path / "meta.csv"
    meta_csv.write_text("id,date\na,\nb,2025-09-10\nc,\nd,\n", encoding="utf-8")
    _, meta = mekong.read_corpus(tmp_path / "news", metadata=meta_csv)
    assert _col(meta, "date") == ["2025-09-08", "2025-09-10", None, "2025-09-09"]
    assert _col(meta, "date_source") == ["text:stamp", "metadata", None, "text:full"]
    _, meta = mekong.read_corpus(tmp_path / "news", text_dates=False)
    assert _col(meta, "date") == [None] * 4 and _col(meta, "date_source") == [None] * 4
    # Day and month only, the year from the metadata of the others.
    _write(tmp_path / "dm", {"x.txt": "Sáng 30/12, rét đậm", "y.txt": "Tin có ngày"})
    (tmp_path / "dm.csv").write_text("id,date\nx,\ny,2026-01-02\n", encoding="utf-8")
    _, meta = mekong.read_corpus(tmp_path / "dm", metadata=tmp_path / "dm.csv")
    assert _col(meta, "date") == ["2025-12-30", "2026-01-02"]


@pytest.mark.skipif(not HOLDOUT4.is_dir(), reason="benchmarks/events-holdout4 not present")
def test_read_corpus_text_dates_equal_text_dates_of_the_texts():
    texts, meta = mekong.read_corpus(HOLDOUT4 / "articles")
    found, how = md.text_dates(texts)
    assert _col(meta, "date") == [d and d.isoformat() for d in found]
    assert _col(meta, "date_source") == [h and f"text:{h}" for h in how]


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "mekong", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# Two fuel-price reports of one template three weeks apart (the next report of the same topic) and
# their second outlets: without dates the words alone join them; their stamps keep them apart.
FUEL = {
    "a1.txt": "Giá xăng tăng 500 đồng từ chiều nay\n\nThứ Năm, 02/10/2025 - 15:10\n\n"
    "Từ 15h chiều nay, xăng RON 95 tăng 500 đồng mỗi lít, xăng E5 RON 92 tăng 450 đồng, dầu diesel tăng 300 "
    "đồng. Liên Bộ Công Thương - Tài chính không chi quỹ bình ổn giá xăng dầu kỳ này.",
    "a2.txt": "Xăng tăng giá 500 đồng một lít\n\n02/10/2025 17:20 GMT+7\n\n"
    "Chiều nay, giá xăng RON 95 tăng 500 đồng một lít, E5 RON 92 tăng 450 đồng và dầu diesel tăng 300 đồng; "
    "liên Bộ Công Thương - Tài chính không chi quỹ bình ổn giá.",
    "b1.txt": "Giá xăng tăng 600 đồng từ chiều nay\n\nThứ Năm, 23/10/2025 - 15:05\n\n"
    "Từ 15h chiều nay, xăng RON 95 tăng 600 đồng mỗi lít, xăng E5 RON 92 tăng 550 đồng, dầu diesel tăng 400 "
    "đồng. Liên Bộ Công Thương - Tài chính không chi quỹ bình ổn giá xăng dầu.",
    "b2.txt": "Xăng tăng giá 600 đồng một lít\n\n23/10/2025 17:45 GMT+7\n\n"
    "Chiều nay giá xăng RON 95 tăng 600 đồng một lít, E5 RON 92 tăng 550 đồng, dầu diesel tăng 400 đồng; "
    "liên Bộ Công Thương - Tài chính không chi quỹ bình ổn giá xăng dầu.",
    "c.txt": "Mưa lớn ở miền núi phía Bắc\n\nThứ Hai, 06/10/2025 - 08:00\n\nMưa lớn kéo dài gây sạt lở ở Lào Cai.",
    "d.txt": "Lúa gạo xuất khẩu\n\nThứ Ba, 07/10/2025 - 09:00\n\nGiá gạo xuất khẩu giảm nhẹ trong tuần.",
}


def _story_members(out):
    return [set(r["members"].split(" | ")) for r in read_csv(out / "stories.csv")]


def test_cli_on_a_folder_without_metadata_uses_the_texts_dates(tmp_path):
    _write(tmp_path / "news", FUEL)
    res = run_cli(tmp_path / "news", "-q", "-o", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    assert "dates: 0 from metadata, 6 read from the texts, 0 unknown" in res.stdout
    rows = read_csv(tmp_path / "out" / "documents.csv")
    # documents.csv says where each date came from, as read_corpus's date_source does.
    assert {r["id"]: r["date_source"] for r in rows} == {k[:-4]: "text:stamp" for k in FUEL}
    docs = {r["id"]: r["date"] for r in rows}
    assert docs == {
        "a1": "2025-10-02",
        "a2": "2025-10-02",
        "b1": "2025-10-23",
        "b2": "2025-10-23",
        "c": "2025-10-06",
        "d": "2025-10-07",
    }
    groups = _story_members(tmp_path / "out")
    assert {"a1", "a2"} in groups and {"b1", "b2"} in groups
    assert all(
        r["first_date"] and r["first_date"] == r["last_date"] for r in read_csv(tmp_path / "out" / "stories.csv")
    )
    # The same folder without the texts' dates: the words alone join the two reports (what the
    # dates prevent), and --window has nothing to work on.
    res = run_cli(tmp_path / "news", "-q", "--no-text-dates", "-o", tmp_path / "plain")
    assert res.returncode == 0, res.stderr
    assert any({"a1", "b1"} <= g for g in _story_members(tmp_path / "plain"))
    res = run_cli(tmp_path / "news", "-q", "--no-text-dates", "--window", "3", "-o", tmp_path / "w")
    assert res.returncode == 2 and "--window needs dates" in res.stderr


@pytest.mark.skipif(not HOLDOUT4.is_dir(), reason="benchmarks/events-holdout4 not present")
def test_cli_dates_equal_read_corpus_dates_on_a_labelled_folder(tmp_path):
    # The CLI reads only each file's head and tail for its date; read_corpus reads the whole text.
    res = run_cli(HOLDOUT4 / "articles", "-q", "-o", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    _, meta = mekong.read_corpus(HOLDOUT4 / "articles")
    docs = read_csv(tmp_path / "out" / "documents.csv")
    assert [d["date"] or None for d in docs] == _col(meta, "date")
    assert [d["date_source"] or None for d in docs] == _col(meta, "date_source")
    # All 26: the English site's "Update: October, 05/2026 - 20:15" is read too.
    assert sum(d["date"] != "" for d in docs) == 26


# A lead's first date that is a deadline or a plan is not the day the article tells of.
DEADLINES = [
    # Regression (benchmarks/events-holdout3): dated 6 days late by "công bố trước ngày 1/7".
    ("Điểm thi tốt nghiệp đã có.\n\nĐiểm chuẩn sẽ được công bố trước ngày 1/7. Sáng 25/6, Bộ họp.", D(2026, 6, 25)),
    ("Học sinh nghỉ học đến hết ngày 19/11. Sáng 17/11, lũ lên.", D(2026, 11, 17)),
    ("Hồ sơ nộp chậm nhất là ngày 30/6; chiều 12/6 sở thông báo.", D(2026, 6, 12)),
    ("Dự án dự kiến ngày 2/9 khánh thành, chiều 20/8 công nhân tăng ca.", D(2026, 8, 20)),
]


@pytest.mark.parametrize("text, want", DEADLINES)
def test_a_deadline_in_the_lead_is_passed_over(text, want):
    found = md.find_dates(text)
    assert [m.deadline for m in found] == [True, False]
    assert md.publication_date(text, reference=D(2026, 11, 30)) == (want, "day-month")


def test_only_deadlines_in_the_lead_give_no_date():
    assert md.publication_date("Hạn chót là ngày 30/6 cho mọi hồ sơ.", reference=D(2026, 11, 30)) == (None, None)


def test_an_english_sites_month_comma_day_slash_year_stamp():
    # Regression (benchmarks/events-holdout4): "Update: October, 05/2026 - 20:15" was read by no rule.
    text = "Vietnam - Laos agricultural fair opens\n\nVIENTIANE - The fair opened on Monday.\n\nUpdate: October, 05/2026 - 20:15"
    assert md.publication_date(text) == (D(2026, 10, 5), "stamp")
    assert md.publication_date("Published: Oct 05/2026") == (D(2026, 10, 5), "stamp")
    # Without a month word before it, "05/2026" is no date.
    assert md.find_dates("Mã số 05/2026 của văn bản") == []
