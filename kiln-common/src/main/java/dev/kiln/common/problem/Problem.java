package dev.kiln.common.problem;

import java.util.List;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}), with the invalid fields
 * listed in {@code errors}.
 */
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";
}
