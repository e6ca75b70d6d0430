/**
 * The TOML configuration: the model ({@link dev.tern.config.TernConfig}), its loading and
 * validation, and the starter file of {@code tern init}. The file is the single source of
 * configuration truth. Every error names the full key ({@code smtp.max_recipients: ...}); unknown
 * keys are errors, not silently ignored.
 */
package dev.tern.config;
