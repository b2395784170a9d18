#!/usr/bin/python3
"""Writes the tiny TorchScript sentence-encoder fixture used by TorchScriptTextEncoderTest.

Run with Debian's PyTorch 1.13 from this folder:  /usr/bin/python3 make_tiny_encoder.py

Outputs (all committed beside this script):
  tokenizer.json  a hand-written HuggingFace WordPiece tokenizer (BERT-style, 16 tokens)
  tiny.pt         a traced model: input_ids, attention_mask (int64, [B, T]) -> [B, 6] float,
                  embedding(16, 8) -> masked mean over tokens -> linear(8, 6), fixed seed
  expected.json   reference token ids and embeddings, computed here in Python, that the Java
                  test compares against (so the test checks tokenizer + engine, not itself)
"""
import json
import torch

torch.manual_seed(7)
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "red", "cat", "on", "the", "moon",
         "paint", "##ing", "of", "blue", "dog", "castle"]
ids = {t: i for i, t in enumerate(vocab)}

special = [{"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True} for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]]
tokenizer = {
    "version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                   {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
        "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [ids["[CLS]"]], "tokens": ["[CLS]"]},
                           "[SEP]": {"id": "[SEP]", "ids": [ids["[SEP]"]], "tokens": ["[SEP]"]}}},
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": ids},
}
with open("tokenizer.json", "w") as f:
    json.dump(tokenizer, f, indent=1)


class TinyEncoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(len(vocab), 8)
        self.proj = torch.nn.Linear(8, 6)

    def forward(self, input_ids, attention_mask):
        m = attention_mask.unsqueeze(-1).to(torch.float32)
        pooled = (self.emb(input_ids) * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.proj(pooled)


model = TinyEncoder().eval()
example = (torch.tensor([[2, 4, 5, 6, 3]]), torch.ones(1, 5, dtype=torch.int64))
traced = torch.jit.trace(model, example)
traced.save("tiny.pt")

# reference: WordPiece by hand for these texts ("Painting" -> paint ##ing, "zebra" -> [UNK])
cases = [("A red cat on the moon", ["[CLS]", "a", "red", "cat", "on", "the", "moon", "[SEP]"]),
         ("Painting of a blue castle", ["[CLS]", "paint", "##ing", "of", "a", "blue", "castle", "[SEP]"]),
         ("a zebra", ["[CLS]", "a", "[UNK]", "[SEP]"])]
out = []
with torch.no_grad():
    for text, toks in cases:
        tid = torch.tensor([[ids[t] for t in toks]])
        e = traced(tid, torch.ones_like(tid))[0]
        out.append({"text": text, "ids": tid[0].tolist(), "embedding": e.tolist()})
with open("expected.json", "w") as f:
    json.dump(out, f, indent=1)
