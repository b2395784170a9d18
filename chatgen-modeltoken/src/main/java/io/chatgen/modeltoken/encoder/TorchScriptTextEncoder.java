package io.chatgen.modeltoken.encoder;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.stage.TextEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs a user-supplied TorchScript sentence encoder through DJL's PyTorch engine, tokenizing with
 * its HuggingFace {@code tokenizer.json} (DJL's tokenizers binding, which works offline). The
 * model is called as {@code forward(input_ids, attention_mask)} with int64 tensors of shape
 * {@code [batch, tokens]} and must return either sentence embeddings {@code [batch, dim]} or token
 * embeddings {@code [batch, tokens, dim]}, which are mean-pooled over the attention mask.
 * Results are L2-normalised unless {@link Builder#optNormalize(boolean) optNormalize(false)}.
 *
 * <p>Owns native memory (model, predictor, tokenizer): close it. {@link #encode(List)} is
 * synchronised, so one instance may be shared, one batch at a time.
 */
public final class TorchScriptTextEncoder implements TextEncoder, AutoCloseable {
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean normalize;
  private final int maxTokens;
  private final String id;
  private final int dimension;

  private TorchScriptTextEncoder(Builder b, Path modelFile, Path tokenizerFile) {
    String digest = sha256(modelFile);
    this.normalize = b.normalize;
    this.maxTokens = b.maxTokens;
    this.id = "torchscript:" + modelFile.getFileName() + ":" + digest.substring(0, 12);
    try {
      this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile,
          Map.of("truncation", "true", "maxLength", Integer.toString(maxTokens), "padding", "false"));
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot read tokenizer " + tokenizerFile + ": " + e.getMessage()
          + "; pass the tokenizer.json saved with the model", e);
    }
    ZooModel<NDList, NDList> m = null;
    try {
      Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
          .optModelPath(modelFile).optEngine("PyTorch").optDevice(b.device).optTranslator(new NoopTranslator())
          .build();
      m = criteria.loadModel();
      this.model = m;
      this.predictor = m.newPredictor();
      this.dimension = encode(List.of("a")).get(0).length;
    } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
      if (m != null) {
        m.close();
      }
      tokenizer.close();
      if (e instanceof ChatGenException c) {
        throw c;
      }
      throw new ModelLoadException("cannot load TorchScript encoder " + modelFile + ": " + e.getMessage()
          + "; it must be a TorchScript file taking (input_ids, attention_mask)", e);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized List<float[]> encode(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      if (t == null) {
        throw new InvalidRequestException("text to encode must not be null");
      }
      if (t.length() > HashedTextEncoder.MAX_CHARS) {
        throw new InvalidRequestException("text to encode has " + t.length() + " characters; at most "
            + HashedTextEncoder.MAX_CHARS + " are accepted");
      }
    }
    if (texts.isEmpty()) {
      return out;
    }
    Encoding[] enc = new Encoding[texts.size()];
    int len = 1;
    for (int i = 0; i < enc.length; i++) {
      enc[i] = tokenizer.encode(texts.get(i));
      len = Math.max(len, enc[i].getIds().length);
    }
    long[] ids = new long[enc.length * len];
    long[] mask = new long[enc.length * len];
    for (int i = 0; i < enc.length; i++) {
      long[] e = enc[i].getIds();
      long[] a = enc[i].getAttentionMask();
      System.arraycopy(e, 0, ids, i * len, e.length);
      System.arraycopy(a, 0, mask, i * len, a.length);
    }
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDList input = new NDList(manager.create(ids, new Shape(enc.length, len)),
          manager.create(mask, new Shape(enc.length, len)));
      NDList result = predictor.predict(input);
      result.attach(manager);
      NDArray y = result.head();
      if (y.getShape().dimension() == 3) {
        NDArray m = input.get(1).toType(y.getDataType(), false).expandDims(2);
        y = y.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1f));
      } else if (y.getShape().dimension() != 2 || y.getShape().get(0) != enc.length) {
        throw new ModelLoadException("the TorchScript encoder returned shape " + y.getShape() + " for a batch of "
            + enc.length + "; expected [batch, dim] or [batch, tokens, dim]");
      }
      float[] flat = y.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
      int d = flat.length / enc.length;
      for (int i = 0; i < enc.length; i++) {
        float[] v = new float[d];
        System.arraycopy(flat, i * d, v, 0, d);
        if (normalize) {
          double n = 0;
          for (float x : v) {
            n += (double) x * x;
          }
          if (n > 0) {
            float inv = (float) (1 / Math.sqrt(n));
            for (int k = 0; k < d; k++) {
              v[k] *= inv;
            }
          }
        }
        out.add(v);
      }
      return out;
    } catch (TranslateException e) {
      throw new ChatGenException("the TorchScript encoder failed: " + e.getMessage(), e);
    }
  }

  /** The token ids the tokenizer gives a text (with special tokens), for checks. */
  public long[] tokenIds(String text) {
    return tokenizer.encode(text).getIds();
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /** "torchscript:FILE:SHA256-PREFIX": changes whenever the weights change. */
  @Override
  public String id() {
    return id;
  }

  @Override
  public synchronized void close() {
    predictor.close();
    model.close();
    tokenizer.close();
  }

  private static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Settings. */
  public static final class Builder {
    private @Nullable Path modelFile;
    private @Nullable Path tokenizerFile;
    private Device device = Device.cpu();
    private boolean normalize = true;
    private int maxTokens = 256;

    private Builder() {}

    /** The TorchScript file ({@code .pt}). */
    public Builder optModelPath(Path p) {
      this.modelFile = p;
      return this;
    }

    /** The HuggingFace {@code tokenizer.json}. */
    public Builder optTokenizerPath(Path p) {
      this.tokenizerFile = p;
      return this;
    }

    public Builder optDevice(Device d) {
      this.device = d;
      return this;
    }

    /** L2-normalise the embeddings (default true). */
    public Builder optNormalize(boolean on) {
      this.normalize = on;
      return this;
    }

    /** Longer inputs are truncated to this many tokens (default 256). */
    public Builder optMaxTokens(int n) {
      this.maxTokens = n;
      return this;
    }

    /**
     * Loads the model and tokenizer.
     *
     * @throws ModelLoadException when a file is missing or not what it should be
     */
    public TorchScriptTextEncoder build() {
      if (modelFile == null || tokenizerFile == null) {
        throw new InvalidRequestException("set both optModelPath and optTokenizerPath");
      }
      if (!Files.isRegularFile(modelFile)) {
        throw new ModelLoadException("TorchScript model " + modelFile + " does not exist");
      }
      if (!Files.isRegularFile(tokenizerFile)) {
        throw new ModelLoadException("tokenizer " + tokenizerFile + " does not exist");
      }
      if (maxTokens < 2) {
        throw new InvalidRequestException("maxTokens must be >= 2, was " + maxTokens);
      }
      return new TorchScriptTextEncoder(this, modelFile, tokenizerFile);
    }
  }
}
