#!/usr/bin/python3
"""Token ids of OpenAI CLIP's reference tokenizer (clip/simple_tokenizer.py) for a few prompts
written for this test, so that ClipTokenizerRealVocabularyTest can compare the Java tokenizer
with it on CLIP's real 49,408-token vocabulary.

The reference source and its vocabulary file are fetched read-only, never committed:
    git clone https://github.com/openai/CLIP /tmp/clip && mkdir -p /tmp/ref && cp -r /tmp/clip/clip /tmp/ref/
Reproduce (Debian python3-torch environment; ftfy and regex are not installed, so they are
shimmed: ftfy.fix_text is the identity, as in the Java tokenizer, and regex's \\p{L}/\\p{N}
classes are mapped to Python re equivalents, exact for the prompts below):
    cd chatgen-diffusion/src/test/resources/io/chatgen/diffusion/tokenizer
    /usr/bin/python3 make_clip_fixtures.py /tmp/ref > clip_reference_ids.json
"""
import json
import re
import sys
import types

ftfy = types.ModuleType("ftfy")
ftfy.fix_text = lambda text: text
sys.modules["ftfy"] = ftfy


def _translate(pattern):
    return (pattern.replace(r"[\p{L}]+", r"[^\W\d_]+")
            .replace(r"[\p{N}]", r"\d")
            .replace(r"[^\s\p{L}\p{N}]+", r"(?:[^\s\w]|_)+"))


regex = types.ModuleType("regex")
regex.compile = lambda pattern, flags=0: re.compile(_translate(pattern), flags)
regex.sub = re.sub
regex.findall = re.findall
regex.IGNORECASE = re.IGNORECASE
sys.modules["regex"] = regex

# load the module file alone: the clip package's __init__ imports torch-side code not needed here
import importlib.util  # noqa: E402
spec = importlib.util.spec_from_file_location("simple_tokenizer", sys.argv[1] + "/clip/simple_tokenizer.py")
simple_tokenizer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(simple_tokenizer)
SimpleTokenizer = simple_tokenizer.SimpleTokenizer

PROMPTS = [
    "a photo of a cat",
    "Portrait of an old sailor, (dramatic lighting:1.2), 8k, highly detailed!!",
    "don't stop, it's 3:45 pm; we'll see you're right",
    "café crème brûlée & naïve façade",
    "  multiple   spaces\tand\nnewlines  ",
    "best quality, one dog, alone, snake_case_word #hashtag @user",
    "&amp; &lt;b&gt; html entities",
    "東京の夜景, neon reflections",
    "smiling face \U0001F642 and stars ***",
    "watercolour illustration of a lighthouse at dusk, soft pastel palette, by an unknown artist",
    "<|startoftext|>special tokens<|endoftext|>",
]

tok = SimpleTokenizer(bpe_path=sys.argv[1] + "/clip/bpe_simple_vocab_16e6.txt.gz")
out = {"command": "/usr/bin/python3 make_clip_fixtures.py /tmp/ref > clip_reference_ids.json",
       "cases": [{"text": p, "ids": tok.encode(p)} for p in PROMPTS]}
print(json.dumps(out, ensure_ascii=False, indent=1))
