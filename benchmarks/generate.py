"""Generate a synthetic archive of N realistic directives for benchmarks and large-archive tests.

    python benchmarks/generate.py OUT_DIR --count 10000 [--seed 1]

Varied types, issuers, years (2015–2026) and lengths (~2–8 KB of body), Decree-30 numbers that
restart every year, signers, recipients, topics, and citations between the generated directives in
the forms real documents use. Deterministic for a given seed. Registries are copied from the project
and extended with more issuers, so the output is a complete `directives/` folder.
"""

from __future__ import annotations

import argparse
import datetime
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REGISTRIES = ROOT / "directives" / "_registries"

TYPES = [  # (key, name, abbr, weight)
    ("cong-van", "Công văn", "", 40), ("ke-hoach", "Kế hoạch", "KH", 14), ("quyet-dinh", "Quyết định", "QĐ", 16),
    ("thong-bao", "Thông báo", "TB", 10), ("bao-cao", "Báo cáo", "BC", 6), ("huong-dan", "Hướng dẫn", "HD", 4),
    ("chi-thi", "Chỉ thị", "CT", 2), ("giay-moi", "Giấy mời", "GM", 5), ("to-trinh", "Tờ trình", "TTr", 3),
]
EXTRA_ISSUERS = {
    "sgddt": ("Sở Giáo dục và Đào tạo tỉnh Lạng Sơn", "Sở Giáo dục và Đào tạo", "SGDĐT"),
    "syt": ("Sở Y tế tỉnh Lạng Sơn", "Sở Y tế", "SYT"),
    "stc": ("Sở Tài chính tỉnh Lạng Sơn", "Sở Tài chính", "STC"),
    "sxd": ("Sở Xây dựng tỉnh Lạng Sơn", "Sở Xây dựng", "SXD"),
    "ubnd-tp-lang-son": ("Ủy ban nhân dân thành phố Lạng Sơn", "UBND thành phố", "UBND"),
    "ubnd-huyen-cao-loc": ("Ủy ban nhân dân huyện Cao Lộc", "UBND huyện Cao Lộc", "UBND"),
}
UNITS = ["VP", "KT", "NC", "KGVX", "TTBCXB", "QLVT", "KHTC", "TCHC", "TH"]
SUBJECTS = [
    "tăng cường công tác quản lý bảo vệ, phòng cháy, chữa cháy rừng",
    "triển khai thực hiện cải cách hành chính năm {year}",
    "đẩy mạnh chuyển đổi số trong cơ quan nhà nước",
    "rà soát, cập nhật cơ sở dữ liệu đất đai",
    "tổ chức các hoạt động kỷ niệm ngày lễ lớn năm {year}",
    "tuyên truyền phòng, chống dịch bệnh trên địa bàn tỉnh",
    "thực hiện thanh toán không dùng tiền mặt",
    "sáp nhập, giải thể thôn, khối phố trên địa bàn",
    "bảo đảm an toàn thông tin mạng",
    "quản lý, sử dụng tài sản công",
    "đầu tư xây dựng đường điện nông thôn",
    "thi đua, khen thưởng năm {year}",
    "phát triển kết cấu hạ tầng đồng bộ, hiện đại",
    "nâng cao chất lượng giáo dục phổ thông",
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
]
TOPIC_FOR = {0: "lam-nghiep", 1: "cai-cach-hanh-chinh", 2: "chuyen-doi-so", 3: "dat-dai", 5: "thong-tin-tuyen-truyen",
             7: "xay-dung-chinh-quyen", 11: "thi-dua-khen-thuong", 12: "thi-dua-khen-thuong", 8: "chuyen-doi-so"}
SENTENCES = [
    "Các cơ quan, đơn vị chủ động xây dựng kế hoạch, phân công nhiệm vụ cụ thể cho từng cán bộ, công chức.",
    "Tăng cường công tác thông tin, tuyên truyền để người dân, doanh nghiệp hiểu và thực hiện đúng quy định.",
    "Định kỳ hằng quý báo cáo kết quả thực hiện về cơ quan thường trực để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
    "Trong quá trình triển khai, nếu có khó khăn, vướng mắc, kịp thời phản ánh để được hướng dẫn, giải quyết.",
    "Bố trí kinh phí từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các nguồn huy động hợp pháp khác.",
    "Kiểm tra, đôn đốc việc thực hiện; xử lý nghiêm các tập thể, cá nhân vi phạm theo quy định của pháp luật.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số trong giải quyết thủ tục hành chính.",
    "Phối hợp chặt chẽ với Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội.",
    "Rà soát, đánh giá thực trạng, đề xuất giải pháp phù hợp với điều kiện thực tế của địa phương.",
    "Bảo đảm an toàn, an ninh trật tự, phòng cháy chữa cháy tại các khu vực đông người.",
]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hải Yến", "Hoàng Văn Cường", "Phạm Thị Dung", "Vi Văn Đức",
         "Lương Thị Hà", "Đoàn Thanh Sơn", "Nông Văn Tú", "Dương Thị Lan"]
RECIPIENTS = ["Các sở, ban, ngành tỉnh", "UBND các huyện, thành phố", "Báo Lạng Sơn",
              "Đài Phát thanh và Truyền hình tỉnh", "Các phòng, đơn vị thuộc Sở"]


@dataclass
class Spec:
    number: str
    type_key: str
    type_name: str
    date: tuple[int, int, int]
    issuer: str
    issuer_short: str


def _registries(out: Path) -> dict[str, tuple[str, str, str]]:
    target = out / "_registries"
    shutil.copytree(REGISTRIES, target, dirs_exist_ok=True)
    issuers = yaml.safe_load((REGISTRIES / "issuers.yml").read_text(encoding="utf-8"))
    with (target / "issuers.yml").open("a", encoding="utf-8") as f:
        f.write("\n# Cơ quan thêm cho kho tổng hợp (benchmarks/generate.py)\n")
        for key, (name, short, abbr) in EXTRA_ISSUERS.items():
            f.write(f"{key}:\n  name: {name}\n  short: {short}\n  abbr: {abbr}\n  place: Lạng Sơn\n")
    all_issuers = {k: (v["name"], v["short"], v["abbr"]) for k, v in issuers.items() if k != "chinh-phu"}
    all_issuers.update(EXTRA_ISSUERS)
    return all_issuers


def _citation(spec: Spec) -> str:
    y, m, d = spec.date
    return f"{spec.type_name} số {spec.number} ngày {d:02d}/{m:02d}/{y} của {spec.issuer_short}"


def _body(rng: random.Random, spec: Spec, earlier: list[Spec]) -> str:
    target = rng.randint(2000, 8000)
    parts: list[str] = []
    cited = rng.sample(earlier[-400:], k=min(len(earlier[-400:]), rng.randint(0, 3)))
    if cited:
        parts.append("Thực hiện " + "; ".join(_citation(c) for c in cited) + ", " + spec.issuer_short + " đề nghị:")
    section = 1
    size = sum(len(p) for p in parts)
    while size < target:
        heading = f"### {section}. {rng.choice(SUBJECTS).format(year=spec.date[0]).capitalize()}"
        paragraph = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 5)))
        bullets = "\n".join("- " + rng.choice(SENTENCES) for _ in range(rng.randint(0, 4)))
        block = "\n\n".join(x for x in (heading, paragraph, bullets) if x)
        parts.append(block)
        size += len(block.encode("utf-8"))
        section += 1
    parts.append("Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.")
    return "\n\n".join(parts) + "\n"


def generate(out: Path, count: int, seed: int = 1) -> int:
    """Write `count` directives under `out` (emptied first). Returns the number written."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(seed)
    issuers = _registries(out)
    issuer_keys = list(issuers)
    years = list(range(2015, 2027))
    counters: dict[tuple, int] = defaultdict(int)
    type_weights = [t[3] for t in TYPES]
    # Dates in order, so that citations point to earlier documents.
    # Never after today (a date in the future is an error of the rulebook): the year's last days are
    # today's until they come.
    today = datetime.date.today().timetuple()[:3]
    dates = sorted(min((rng.choice(years), rng.randint(1, 12), rng.randint(1, 28)), today) for _ in range(count))
    earlier: list[Spec] = []
    for i, date in enumerate(dates):
        key, name, abbr, _ = rng.choices(TYPES, weights=type_weights)[0]
        issuer = rng.choice(issuer_keys)
        full, short, issuer_abbr = issuers[issuer]
        # Numbers run per year and per abbreviation: several "UBND" issuers share one sequence here,
        # so the synthetic archive has no permalink collisions.
        counters[(date[0], issuer_abbr)] += 1
        n = counters[(date[0], issuer_abbr)]
        number = f"{n}/{issuer_abbr}-{rng.choice(UNITS)}" if not abbr else f"{n:02d}/{abbr}-{issuer_abbr}"
        spec = Spec(number, key, name, date, issuer, short)
        subject_i = rng.randrange(len(SUBJECTS))
        subject = SUBJECTS[subject_i].format(year=date[0])
        topics = [TOPIC_FOR[subject_i]] if subject_i in TOPIC_FOR else []
        front = {
            "number": number,
            "type": key,
            "date": f"{date[0]}-{date[1]:02d}-{date[2]:02d}",
            "issuer": issuer,
            "subject": subject if key == "cong-van" else subject[0].upper() + subject[1:],
            "signer": {"form": rng.choice(["KT. GIÁM ĐỐC", "KT. CHỦ TỊCH", "TL. GIÁM ĐỐC", ""]),
                       "position": rng.choice(["PHÓ GIÁM ĐỐC", "PHÓ CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]),
                       "name": rng.choice(NAMES)},
            "recipients": rng.sample(RECIPIENTS, k=rng.randint(1, 3)),
            "distribution": ["Như trên", "Lưu: VT"],
            "topics": topics,
        }
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + _body(rng, spec, earlier)
        folder = out / str(date[0]) / issuer
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:06d}.md").write_text(text, encoding="utf-8")
        earlier.append(spec)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.count, args.seed)
    print(f"{args.count} directives written to {args.out}")


if __name__ == "__main__":
    main()
