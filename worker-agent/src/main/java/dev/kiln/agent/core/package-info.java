/** The agent's logic as plain Java: connection, assignments, uploads, reports. */
package dev.kiln.agent.core;
