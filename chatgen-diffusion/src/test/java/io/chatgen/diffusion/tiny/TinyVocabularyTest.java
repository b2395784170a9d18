package io.chatgen.diffusion.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.diffusion.tokenizer.ClipTokenizer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyVocabularyTest {
  static final TinyVocabulary VOCAB = TinyVocabulary.build();

  @Test
  void every_caption_word_is_a_single_token() {
    ClipTokenizer tok = VOCAB.tokenizer();
    for (String w : ShapeScene.vocabularyWords()) {
      assertThat(tok.encode(w)).as(w).hasSize(1);
    }
  }

  @Test
  void special_tokens_come_last_and_all_ids_are_below_the_size() {
    ClipTokenizer tok = VOCAB.tokenizer();
    assertThat(tok.bosId()).isEqualTo(VOCAB.size() - 2);
    assertThat(tok.eosId()).isEqualTo(VOCAB.size() - 1);
    assertThat(VOCAB.vocab().values()).allMatch(id -> id >= 0 && id < VOCAB.size()).doesNotHaveDuplicates();
  }

  @Test
  void unknown_words_still_tokenize_into_known_pieces() {
    int[] ids = VOCAB.tokenizer().encode("a magenta hexagon");
    assertThat(ids.length).isGreaterThan(3);
    assertThat(java.util.Arrays.stream(ids).max().getAsInt()).isLessThan(VOCAB.size() - 2);
  }

  @Test
  void written_files_load_as_the_same_tokenizer(@TempDir Path dir) {
    VOCAB.write(dir);
    ClipTokenizer loaded = ClipTokenizer.load(dir);
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 100; i++) {
      String caption = ShapeScene.random(rnd).caption(rnd);
      assertThat(loaded.encodeWindow(caption)).isEqualTo(VOCAB.tokenizer().encodeWindow(caption));
    }
    assertThat(loaded.vocabSize()).isEqualTo(VOCAB.size());
  }

  @Test
  void the_vocabulary_is_the_same_on_every_build() {
    assertThat(TinyVocabulary.build()).isEqualTo(VOCAB);
  }
}
