#!/usr/bin/env bash
# Trains the embedded tiny model from nothing and writes its files (tiny-sd.safetensors, vocab.json,
# merges.txt) into OUT_DIR.
#
# The four runs of the recipe, each resuming from the raw weights the previous one saved (see
# TrainTinyModel's javadoc for why there are four and what each adds):
#   1. 600 steps without offset noise (of a 3000-step schedule),
#   2. 2000 steps with offset noise 0.7 (the caption has to matter),
#   3. 1500 more steps of the same,
#   4. 2500 steps with the loss weighted 10x on the figure's pixels (its colour follows the caption).
# About 6,600 UNet steps of batch 12 on one thread: 15 + 29 + 21 + 46 minutes on the 2-core build
# machine with another run beside it (2026-11-26). Needs ~1 GB of memory; no data files, no
# network. Training is deterministic on this machine since DJL's freed scalar buffers were avoided
# (see TrainTinyModel's javadoc): this command rebuilds the shipped checkpoint byte for byte. The
# seed matters: with the trainer's default seed the caption did not bind the background colour in
# run 2 (7 of 24 benchmark scenes at its end); with the seed below it did (20 of 24). Run 4 weighted 5x
# (--figure-weight=4, the earlier recipe) drew both colours right in 17 of 24 scenes and failed an
# acceptance render; weighted 10x it draws 22 of 24 (Euler a) and passes them. Score a result with
# TinyModelBenchmark --checkpoint OUT_DIR/tiny-sd.safetensors before copying it over the shipped files.
#
# Usage, from the repository root: chatgen-diffusion/train-tiny-model.sh [WORK_DIR [OUT_DIR]]
# OUT_DIR defaults to WORK_DIR/out; the shipped files are in
# chatgen-diffusion/src/main/resources/io/chatgen/diffusion/tiny.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp/chatgen-tiny-train}"
out="${2:-$work/out}"
mkdir -p "$work" "$out"
start=$SECONDS
mvn -B -o -q install -DskipTests
cp="chatgen-diffusion/target/classes:examples/target/lib/*"
# PyTorch 2.7.1's oneDNN AVX2/AVX-512 convolution gradients are wrong on some CPUs (TrainTinyModel
# checks and refuses to run); SSE4.1 kernels are exact and barely slower at these widths.
export ONEDNN_MAX_CPU_ISA=SSE41
# the seed of the pictures, the initial weights and the noise (see the header)
seed=20261126
train() {
  java -Xmx3g -cp "$cp" io.chatgen.diffusion.tiny.TrainTinyModel --vae-steps=0 --lr=2e-3 --seed=$seed "$@"
}
train --save-dir="$work/1" --out="$work/1/out" --unet-steps=3000 --offset-noise=0 --stop-after=600
train --save-dir="$work/2" --out="$work/2/out" --resume="$work/1/unet.safetensors" --unet-steps=2000 \
  --offset-noise=0.7
train --save-dir="$work/3" --out="$work/3/out" --resume="$work/2/unet.safetensors" --unet-steps=1500 \
  --offset-noise=0.7
train --save-dir="$work/4" --resume="$work/3/unet.safetensors" --unet-steps=2500 --offset-noise=0.7 \
  --figure-weight=9 --out="$out"
echo "trained the tiny model into $out in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
