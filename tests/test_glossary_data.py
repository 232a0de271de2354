"""The shipped glossary: size, coverage of the seed tables and the issue's list, and consistency."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.core.card import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, TITLE_LIMIT, TOTAL_LIMIT, build_card
from bot.core.i18n import EN, TW, ZH
from bot.core.loader import load_glossary
from bot.core.models import MAX_SUMMARY, Category
from bot.core.normalize import normalize

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"

# Both tables of seed 000, each slash-variant on its own.
SEED_TABLE_NAMES = [
    "oneshot", "LAION", "aug", "ucg", "ML", "LatentSpace", "LDM", "Stable Diffusion", "超分", "NAI", "咒语",
    "施法", "吟唱", "t2i", "魔杖", "i2i", "inpaint", "ti", "emb", "炼丹", "hn", "hyper", "冶金", "炸炉", "废丹",
    "db", "梦展", "8bit", "bsb",
]

COVERAGE = [
    *SEED_TABLE_NAMES,
    "AI", "AGI", "AIGC", "UGC", "PGC", "deep learning", "neural network", "inference", "training", "NLP", "NLG", "LLM",
    "GAN", "VAE", "normalizing flow", "diffusion model", "DDPM", "Transformer", "self-attention", "BERT", "GPT", "T5",
    "ViT", "CLIP", "OpenCLIP", "RLHF", "reward model", "fine-tuning", "pre-training", "multimodal", "prompt", "token",
    "Gaussian noise", "latent space", "Midjourney", "DALL·E", "Imagen", "Firefly", "ChatGPT", "Sovits",
    "checkpoint", "底模", "大模型", "safetensors", "U-Net", "CFG scale", "提示词相关性", "denoising strength", "重绘幅度",
    "samplers", "Euler a", "DPM++ 2M Karras", "steps", "seed", "negative prompt", "hires fix", "upscaler", "ControlNet",
    "IP-Adapter", "LyCORIS", "embedding", "textual inversion", "model merge", "WebUI", "ComfyUI", "SDXL", "SD3",
    "Flux", "AnimateDiff",
    "打标", "训练集", "正则化", "epoch", "repeat", "batch size", "学习率", "过拟合", "欠拟合", "抽卡", "跑图", "出图", "丹", "炉",
    "/imagine", "/blend", "/describe", "/shorten", "/settings", "/info",
    "--ar", "--chaos", "--no", "--q", "--seed", "--stop", "--style raw", "--stylize", "--tile", "--iw", "--niji", "--v",
    "--cref", "--sref", "--weird",
    "U/V", "Vary Strong", "Vary Subtle", "Vary Region", "Zoom Out", "Pan", "Remix", "Fast / Relax / Turbo", "--fast",
    "--relax", "--turbo", "permutation prompts", "multi-prompts", "::",
    "hallucination", "context window", "RAG", "agent", "quantization", "MoE", "temperature", "system prompt",
]


# What the 2026 review typed and got nothing, or the wrong card, for: each must open exactly this term.
REVIEW_LOOKUPS = {
    "V6": "mj-version", "V7": "mj-version", "V8": "mj-version", "黑图": "black-image", "Illustrious": "illustrious-xl",
    "Nano Banana": "nano-banana", "LiblibAI": "liblibai", "通义万相": "wan", "即梦": "jimeng", "PuLID": "pulid",
    "Kontext": "flux-kontext", "Tensor.art": "tensor-art", "放大": "upscale", "Animagine": "animagine-xl",
    "KSampler": "ksampler", "Tile": "controlnet-tile", "AI配音": "tts", "梯度累积": "gradient-accumulation",
    "top-k": "top-k", "2.5次元": "2-5d", "SD upscale": "sd-upscale-script", "秋叶整合包": "qiuye-zhenghebao",
    "SDXL Lightning": "sdxl-lightning", "虚拟主播": "vtuber", "shuffle caption": "shuffle-caption", "GRU": "gru",
    "fp8": "fp8", "t2v": "text-to-video", "i2v": "image-to-video", "EMA": "ema",
}


def test_at_least_650_terms():
    assert len(load_glossary(DATA)) >= 650


async def test_the_reviews_lookups_open_the_right_card(glossary):
    opened = {}
    for query in REVIEW_LOOKUPS:
        result = await glossary.define(query)
        opened[query] = result.term.term.id if result.term else None
    assert opened == REVIEW_LOOKUPS


async def test_coverage_names_resolve_exactly(glossary):
    missing = [name for name in COVERAGE if (await glossary.define(name)).status != "found"]
    assert missing == []


def test_names_have_one_owner_and_related_ids_resolve():
    terms = load_glossary(DATA)
    ids = {t.id for t in terms}
    owners: dict[str, str] = {}
    for t in terms:
        for name in t.names:
            owner = owners.setdefault(normalize(name), t.id)
            assert owner == t.id, f"{name!r} belongs to {owner} and {t.id}"
        assert set(t.related) <= ids, (t.id, set(t.related) - ids)


def test_every_term_is_complete_and_cited():
    for t in load_glossary(DATA):
        assert t.term and t.en and t.summary and t.definition and t.example, t.id
        assert len(t.summary) <= MAX_SUMMARY, t.id
        assert t.related, f"{t.id} has no related terms"
        assert t.sources, t.id


def test_every_shipped_card_in_traditional_chinese_fits_discords_limits():
    for t in load_glossary(DATA):
        card = build_card(t, lang=TW, related_names=list(t.related), header="📅 今日術語 · 2026-11-25")
        assert len(card.title) <= TITLE_LIMIT and len(card.description) <= DESCRIPTION_LIMIT, t.id
        assert len(card.fields) <= 25 and all(len(f.value) <= FIELD_VALUE_LIMIT for f in card.fields), t.id
        assert card.total_length() <= TOTAL_LIMIT, t.id
    zhalu = build_card(next(t for t in load_glossary(DATA) if t.id == "zhalu"), lang=TW)
    assert zhalu.title.startswith("炸爐") and {f.name for f in zhalu.fields} >= {"別名", "分類", "來源"}


@pytest.mark.parametrize("lang", [ZH, EN, TW])
def test_every_shipped_card_reads_cleanly(lang):
    """What a reader sees: no gap after Chinese punctuation, no raw seed file name, every link labelled."""
    punct_space = re.compile(r"[。；，：！？、）」』”》】] ")
    for t in load_glossary(DATA):
        card = build_card(t, lang=lang, related_names=list(t.related))
        texts = [card.title, card.description, *(f.value for f in card.fields)]
        assert not any(punct_space.search(text) for text in texts), t.id
        (sources,) = [f.value for f in card.fields if f.name in ("来源", "來源", "Source")]
        assert ".txt" not in sources and "seed:" not in sources, t.id
        bare = re.sub(r"\[[^\]]+\]\(https://[^)]+\)", "", sources)
        assert "http" not in bare, (t.id, sources)


def test_readme_counts_match_the_data():
    counts = Counter(t.category for t in load_glossary(DATA))
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for category in Category:
        row = re.search(rf"\| `{category.value}` \S+ \| (\d+) \|", readme)
        assert row and int(row[1]) == counts[category], category
    total = re.search(r"\| \*\*total\*\* \| \*\*(\d+)\*\* \|", readme)
    assert total and int(total[1]) == sum(counts.values())


def test_data_files_are_plain_lists():
    for path in DATA.glob("*.yaml"):
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), list), path
