package io.h2relay.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** One in-process run of the command line: its exit status and what it wrote. */
record Run(int status, String out, String err) {

    static Run of(Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(home, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    static Run of(String... args) {
        return of(Repo.home(), args);
    }
}
