package dev.kiln.agent.executor;

/**
 * The non-root user builds run as inside an instance (Debusine's {@code _debusine}).
 *
 * @param name its name, {@code _kiln} by default
 * @param uid its user id inside the instance, also its group id
 */
public record BuildUser(String name, int uid) {

  public static final BuildUser DEFAULT = new BuildUser("_kiln", 1000);

  public BuildUser {
    if (!name.matches("[a-z_][a-z0-9_-]*")) {
      throw new IllegalArgumentException("not a user name: " + name);
    }
    if (uid < 1 || uid > 65534) {
      throw new IllegalArgumentException("the build user's uid must be 1..65534, not " + uid);
    }
  }

  /** Creates this user in a started instance (see {@link #createScript()}). */
  public void createIn(Instance instance) throws java.io.IOException, InterruptedException {
    TailSink tail = new TailSink(20, OutputSink.NONE);
    ExecResult r =
        instance.run(Command.asRoot("/bin/sh", "-c", createScript()), tail, Cancellation.none());
    if (!r.succeeded()) {
      throw new java.io.IOException(
          "creating user " + name + " in " + instance.name() + " failed: " + tail.text());
    }
  }

  public String home() {
    return "/home/" + name;
  }

  /**
   * A POSIX shell script, run as root inside the instance, that creates the user and its group
   * unless they exist: with {@code useradd} where there is one (Debian), else by appending to
   * {@code /etc/passwd} and {@code /etc/group} (minimal images).
   */
  public String createScript() {
    return String.join(
        "\n",
        "set -e",
        "if grep -q '^" + name + ":' /etc/passwd; then exit 0; fi",
        "if command -v useradd >/dev/null 2>&1; then",
        "  useradd --uid "
            + uid
            + " --user-group --create-home --home-dir "
            + home()
            + " --shell /bin/sh "
            + name,
        "else",
        "  echo '" + name + ":x:" + uid + ":" + uid + "::" + home() + ":/bin/sh' >> /etc/passwd",
        "  grep -q '^" + name + ":' /etc/group || echo '" + name + ":x:" + uid + ":' >> /etc/group",
        "  mkdir -p " + home(),
        "  chown " + uid + ":" + uid + " " + home(),
        "fi",
        "");
  }
}
