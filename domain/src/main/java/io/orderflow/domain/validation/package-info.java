/**
 * The input rules, in one place: what an order id, a customer, an e-mail, a currency, a quantity, a price and a
 * shipping address may be ({@link io.orderflow.domain.validation.InputRules}), checked for a whole command with every
 * problem named ({@link io.orderflow.domain.validation.CommandValidation}). The engine refuses what breaks them with
 * {@code INVALID_COMMAND}; the CLI and the admin web check the same rules before they send anything.
 */
package io.orderflow.domain.validation;
