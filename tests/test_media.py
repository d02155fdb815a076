"""Optional media download (`-a media=1`): the larger file of each day, resumable, capped."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sitesim import API_PATH, SiteSim, science_record

DAY = dt.date(2025, 1, 5)
BIG = b"\x89PNG pretend this is a large picture" * 100


def serve(site: SiteSim) -> None:
    site.publish(DAY, title="Sky", kind="image", slug="sky")  # links image/2501/sky_big.jpg
    site.page("/apod/image/2501/sky_big.jpg", BIG, **{"Content-Type": "image/jpeg"})


def test_media_is_off_by_default(site, crawl, tmp_path) -> None:
    serve(site)
    result = crawl(site, dates=str(DAY))
    assert site.requested("/apod/image/") == []
    assert not (tmp_path / "output" / "media").exists()
    assert result.items[0].media_files == []


def test_the_larger_file_is_stored_with_its_checksum(site, crawl, tmp_path) -> None:
    serve(site)
    result = crawl(site, dates=str(DAY), media="1")
    stored = tmp_path / "output" / "media" / "ap250105" / "sky_big.jpg"
    assert stored.read_bytes() == BIG
    (record,) = result.items
    assert record.media_files == [
        {
            "url": f"{site.url}/apod/image/2501/sky_big.jpg",
            "path": "ap250105/sky_big.jpg",
            "checksum": hashlib.md5(BIG).hexdigest(),
            "status": "downloaded",
        }
    ]
    assert result.stats["apod/media_stored"] == 1


def test_a_second_run_does_not_fetch_the_media_again(site, crawl) -> None:
    serve(site)
    crawl(site, dates=str(DAY), media="1")
    site.hits.clear()
    result = crawl(site, dates=str(DAY), media="1")
    assert site.requested("/apod/image/") == []
    assert result.items[0].media_files[0]["status"] == "uptodate"


def test_a_file_over_the_size_cap_is_not_stored_but_the_day_is(site, crawl, tmp_path) -> None:
    serve(site)
    result = crawl(site, dates=str(DAY), media="1", settings={"APOD_MEDIA_MAXSIZE": 100})
    assert not (tmp_path / "output" / "media" / "ap250105" / "sky_big.jpg").exists()
    assert (tmp_path / "output" / "ap250105.txt").is_file()
    assert result.stats["apod/media_failed"] == 1


def test_video_embeds_are_not_downloaded(site, crawl, spec) -> None:
    site.page("/apod/ap250105.html", (spec / "ap250105.reconstructed.html").read_bytes())
    result = crawl(site, dates=str(DAY), media="1")
    assert result.items[0].image_url.startswith("https://www.youtube.com/embed/")
    assert "apod/media_stored" not in result.stats and "apod/media_failed" not in result.stats


def test_a_video_file_is_downloaded(site, crawl, tmp_path) -> None:
    # variant 2: a record with basic_html, where the video file is
    record, _ = science_record(DAY, title="Moving sky", kind="video", variant=2)
    media = record["basic_html"].split('src="')[1].split('"')[0]
    record["basic_html"] = record["basic_html"].replace(media, f"{site.url}/media/sky.mp4")
    json_type = {"Content-Type": "application/json; charset=UTF-8"}
    site.page(f"{API_PATH}/{DAY:%y%m%d}", json.dumps(record).encode(), **json_type)
    site.page("/media/sky.mp4", b"\x00\x00\x00\x18ftypmp42", **{"Content-Type": "video/mp4"})
    result = crawl(site, dates=str(DAY), media="1", source="science")
    assert (tmp_path / "output" / "media" / "ap250105" / "sky.mp4").is_file()
    assert result.items[0].media_files[0]["path"] == "ap250105/sky.mp4"
