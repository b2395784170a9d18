package io.chatgen.diffusion.model;

import java.util.List;

/**
 * The architecture of a loaded SD 1.x checkpoint, derived from its tensor shapes (heads from
 * safetensors metadata where shapes cannot tell).
 *
 * @param textHiddenSize CLIP text width (768 for ViT-L/14)
 * @param textLayers number of CLIP transformer layers (12); valid clip skips are 1..textLayers
 * @param textHeads CLIP attention heads (hidden/64, or metadata {@code chatgen.text.num_heads})
 * @param textIntermediateSize CLIP MLP width (3072)
 * @param maxTokens positions of the text encoder (77)
 * @param vocabSize token embedding rows (49408)
 * @param unetInChannels latent channels the UNet reads (4)
 * @param unetOutChannels channels the UNet predicts (4)
 * @param unetModelChannels base UNet width (320)
 * @param unetChannelMult width multiplier per level ([1, 2, 4, 4])
 * @param unetResBlocks res blocks per level on the way down (2)
 * @param unetAttentionLevels whether each level has cross-attention ([true, true, true, false])
 * @param unetTransformerDepth transformer blocks per SpatialTransformer (1)
 * @param unetHeads UNet attention heads (8, or metadata {@code chatgen.unet.num_heads})
 * @param contextDim width of the text context the UNet attends to (768)
 * @param latentChannels VAE latent channels (4)
 * @param vaeBaseChannels VAE base width (128)
 * @param vaeChannelMult VAE width multiplier per level ([1, 2, 4, 4])
 * @param vaeResBlocks VAE encoder res blocks per level (2)
 * @param vaeScaleFactor image pixels per latent pixel, 2^(VAE levels - 1) (8)
 * @param latentScalingFactor SD's latent scale 0.18215 (metadata {@code chatgen.latent_scaling_factor})
 */
public record ModelConfig(
    int textHiddenSize,
    int textLayers,
    int textHeads,
    int textIntermediateSize,
    int maxTokens,
    int vocabSize,
    int unetInChannels,
    int unetOutChannels,
    int unetModelChannels,
    List<Integer> unetChannelMult,
    int unetResBlocks,
    List<Boolean> unetAttentionLevels,
    int unetTransformerDepth,
    int unetHeads,
    int contextDim,
    int latentChannels,
    int vaeBaseChannels,
    List<Integer> vaeChannelMult,
    int vaeResBlocks,
    int vaeScaleFactor,
    double latentScalingFactor) {

  /** SD 1.x's latent scaling factor. */
  public static final double SD1_LATENT_SCALING = 0.18215;

  /** Copies the lists and checks that the sizes are positive. */
  public ModelConfig {
    unetChannelMult = List.copyOf(unetChannelMult);
    unetAttentionLevels = List.copyOf(unetAttentionLevels);
    vaeChannelMult = List.copyOf(vaeChannelMult);
    if (textHiddenSize <= 0 || textLayers <= 0 || textHeads <= 0 || maxTokens <= 0 || vocabSize <= 0
        || unetModelChannels <= 0 || latentChannels <= 0 || vaeScaleFactor <= 0
        || !(latentScalingFactor > 0)) {
      throw new IllegalArgumentException("model sizes must be positive: text " + textHiddenSize + "x"
          + textLayers + " (" + textHeads + " heads), " + maxTokens + " tokens, vocab " + vocabSize
          + ", UNet " + unetModelChannels + ", latent " + latentChannels + ", VAE scale " + vaeScaleFactor
          + ", latent scaling " + latentScalingFactor);
    }
  }

  /** How many times the UNet halves the latent: height and width must be multiples of 2^this. */
  public int unetDownsamplings() {
    return unetChannelMult.size() - 1;
  }
}
