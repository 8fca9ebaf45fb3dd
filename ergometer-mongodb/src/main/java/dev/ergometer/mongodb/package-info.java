/**
 * MongoDB output through the MongoDB Java driver (mongodb-driver-sync): {@link dev.ergometer.mongodb.MongoHandler}
 * stores energy traces as pyJoules' {@code MongoHandler} stores them, and {@link dev.ergometer.mongodb.PowerReportSink}
 * stores the agent's power samples as PowerAPI {@code PowerReport} documents.
 *
 * <p>No MongoDB server package exists on our machines, so the tests run the real driver against mongo-java-server,
 * an in-JVM stand-in that speaks MongoDB's wire protocol (with its in-memory backend), and read the stored documents
 * back with the driver.
 */
package dev.ergometer.mongodb;
