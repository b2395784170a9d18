/**
 * The vocabulary every ChatGen stage speaks: the chat request, the rewritten prompt, model cards,
 * the model choice, generation parameters, the plan and the generated image, plus the SDK's
 * exception family. All records validate their arguments in their constructors.
 */
@NullMarked
package io.chatgen.core;

import org.jspecify.annotations.NullMarked;
