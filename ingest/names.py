"""Name pools from several cultures, with the offices people of that background typically sit
in, for the sample organisation and the generator. Chinese names are written in characters,
with pinyin for the e-mail address."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Culture:
    key: str
    weight: float
    given: tuple[str, ...]
    family: tuple[str, ...]
    offices: tuple[tuple[str, str], ...]  # (city, IANA timezone)
    languages: tuple[str, ...]
    family_first: bool = False  # 王芳, not 芳 王
    # characters -> pinyin, for e-mail addresses of names written in characters
    romanise: dict[str, str] | None = None


_ZH_FAMILY = {"王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang",
              "黄": "huang", "赵": "zhao", "吴": "wu", "周": "zhou", "徐": "xu", "孙": "sun",
              "马": "ma", "朱": "zhu", "胡": "hu", "郭": "guo", "何": "he", "林": "lin", "高": "gao",
              "罗": "luo", "郑": "zheng", "梁": "liang", "谢": "xie", "宋": "song", "唐": "tang"}
_ZH_GIVEN = {"芳": "fang", "伟": "wei", "静": "jing", "磊": "lei", "敏": "min", "洋": "yang",
             "婷": "ting", "杰": "jie", "丽": "li", "强": "qiang", "晓明": "xiaoming", "佳怡": "jiayi",
             "子涵": "zihan", "浩然": "haoran", "雨欣": "yuxin", "志强": "zhiqiang", "欣怡": "xinyi",
             "俊杰": "junjie", "思远": "siyuan", "海燕": "haiyan", "建国": "jianguo", "文博": "wenbo",
             "梦琪": "mengqi", "宇航": "yuhang", "晨": "chen", "倩": "qian", "鹏": "peng", "雪": "xue",
             "凯": "kai", "琳": "lin"}

CULTURES: tuple[Culture, ...] = (
    Culture("zh", 0.22, tuple(_ZH_GIVEN), tuple(_ZH_FAMILY),
            (("Shanghai", "Asia/Shanghai"), ("Beijing", "Asia/Shanghai"), ("Shenzhen", "Asia/Shanghai")),
            ("zh", "en"), family_first=True, romanise={**_ZH_FAMILY, **_ZH_GIVEN}),
    Culture("en", 0.18, ("Olivia", "James", "Emily", "Thomas", "Grace", "Daniel", "Hannah", "Michael",
                         "Sophie", "William", "Chloe", "Samuel", "Rachel", "Benjamin", "Laura", "Ryan",
                         "Megan", "Andrew", "Jessica", "Matthew"),
            ("Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Walker",
             "Wright", "Thompson", "Hughes", "Clarke", "Hall", "Lewis", "Harris", "Baker", "Turner"),
            (("London", "Europe/London"), ("Manchester", "Europe/London"), ("Austin", "America/Chicago"),
             ("Boston", "America/New_York")), ("en",)),
    Culture("de", 0.09, ("Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Maximilian", "Sophie",
                         "Tobias", "Katharina", "Jan", "Laura", "Moritz", "Julia"),
            ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
             "Hoffmann", "Koch", "Richter", "Wolf"),
            (("Munich", "Europe/Berlin"), ("Berlin", "Europe/Berlin")), ("de", "en")),
    Culture("in", 0.12, ("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Divya",
                         "Siddharth", "Meera", "Rahul", "Sneha", "Karthik", "Pooja", "Nikhil", "Lakshmi"),
            ("Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Rao", "Menon", "Singh", "Kulkarni",
             "Desai", "Mehta"),
            (("Bengaluru", "Asia/Kolkata"), ("Pune", "Asia/Kolkata")), ("en", "hi")),
    Culture("es", 0.08, ("Lucía", "Mateo", "Sofía", "Diego", "Valentina", "Javier", "Carmen", "Alejandro",
                         "Isabel", "Pablo", "Elena", "Andrés"),
            ("García", "Martínez", "López", "Hernández", "González", "Rodríguez", "Sánchez", "Ramírez",
             "Torres", "Flores", "Morales", "Castro"),
            (("Madrid", "Europe/Madrid"), ("Mexico City", "America/Mexico_City")), ("es", "en")),
    Culture("pt", 0.06, ("João", "Ana", "Gabriel", "Beatriz", "Rafael", "Mariana", "Lucas", "Camila",
                         "Pedro", "Larissa"),
            ("Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ferreira", "Lima"),
            (("São Paulo", "America/Sao_Paulo"), ("Lisbon", "Europe/Lisbon")), ("pt", "en")),
    Culture("ja", 0.05, ("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Takumi", "Sakura", "Kenji", "Yuki"),
            ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
             "Kobayashi"),
            (("Tokyo", "Asia/Tokyo"),), ("ja", "en")),
    Culture("ko", 0.04, ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Su-bin", "Jae-won", "Ye-jin"),
            ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Yoon", "Han"),
            (("Seoul", "Asia/Seoul"),), ("ko", "en")),
    Culture("ng", 0.05, ("Chinedu", "Ngozi", "Oluwaseun", "Amara", "Emeka", "Folake", "Tunde", "Adaeze",
                         "Ifeanyi", "Zainab"),
            ("Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze", "Okonkwo", "Abubakar", "Afolabi"),
            (("Lagos", "Africa/Lagos"), ("London", "Europe/London")), ("en", "yo")),
    Culture("fr", 0.05, ("Camille", "Louis", "Manon", "Hugo", "Chloé", "Antoine", "Inès", "Julien",
                         "Léa", "Nicolas"),
            ("Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Fournier"),
            (("Toulouse", "Europe/Paris"), ("Paris", "Europe/Paris")), ("fr", "en")),
    Culture("pl", 0.03, ("Jakub", "Zuzanna", "Kacper", "Maja", "Piotr", "Aleksandra", "Michał", "Natalia"),
            ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"),
            (("Kraków", "Europe/Warsaw"), ("Warsaw", "Europe/Warsaw")), ("pl", "en")),
    Culture("ar", 0.03, ("Omar", "Layla", "Youssef", "Mariam", "Karim", "Nour", "Hassan", "Salma"),
            ("Haddad", "Khalil", "Mansour", "Saleh", "Nasser", "Farouk", "Aziz"),
            (("Dubai", "Asia/Dubai"),), ("ar", "en")),
)

_ASCII = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss", "é": "e", "è": "e", "á": "a",
                        "í": "i", "ó": "o", "ú": "u", "ñ": "n", "ç": "c", "ã": "a", "õ": "o", "â": "a",
                        "ê": "e", "ô": "o", "ï": "i", "ł": "l", "ś": "s", "ń": "n", "ż": "z", "ź": "z",
                        "ą": "a", "ę": "e", "ć": "c", "-": ""})


def full_name(c: Culture, given: str, family: str) -> str:
    return f"{family}{given}" if c.family_first else f"{given} {family}"


def email_local(c: Culture, given: str, family: str) -> str:
    """ASCII local part of an e-mail address: given.family (pinyin for Chinese names)."""
    if c.romanise:
        given, family = c.romanise[given], c.romanise[family]
    return f"{given}.{family}".lower().translate(_ASCII).replace(" ", "")
