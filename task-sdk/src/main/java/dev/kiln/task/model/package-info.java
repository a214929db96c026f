/**
 * Records and enums shared by several tasks' task data (backends, extra repositories, system
 * bootstrap options). Worker-side: no server imports.
 */
package dev.kiln.task.model;
