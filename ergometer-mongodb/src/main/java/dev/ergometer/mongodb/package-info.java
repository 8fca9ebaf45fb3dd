/**
 * The MongoDB handler: energy traces stored as pyJoules' {@code MongoHandler} stores them, through the MongoDB Java
 * driver (mongodb-driver-sync).
 *
 * <p>No MongoDB server package exists on our machines, so the tests run the real driver against mongo-java-server,
 * an in-JVM stand-in that speaks MongoDB's wire protocol (with its in-memory backend), and read the stored documents
 * back with the driver.
 */
package dev.ergometer.mongodb;
