package dev.ergometer.service.sandbox;

/** The languages a submission may be written in. */
public enum Language {
    /** A Python function ({@code solve} by default). */
    PYTHON,
    /** A Java class with a public static method. */
    JAVA
}
