package dev.storesync.shopify.client;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What an operator should know and do, in English and Japanese (the seed operators are Japanese). */
@RegisterForReflection
public record OperatorMessage(String en, String ja) {
}
